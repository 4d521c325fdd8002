#!/usr/bin/env node
// Standalone entry: `npx veracall-signaling` (built output; `npm run server` runs the sources).
import '../dist/server.js'
