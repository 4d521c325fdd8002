#!/usr/bin/env node
// Standalone entry: `npx veracall-signaling` and `npm start` (compiled JavaScript in dist/, never
// TypeScript at run time; `npm start` builds dist/ first when it is missing or stale).
import '../dist/server.js'
