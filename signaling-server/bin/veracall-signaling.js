#!/usr/bin/env node
// Standalone entry: `npx veracall-signaling` and `npm start`. It runs the compiled JavaScript in
// dist/, never TypeScript. An installed package (npm install ./veracall-signaling-<v>.tgz) ships
// dist/ and runs it as is; in a checkout, where TypeScript is installed, dist/ is built first when
// it is missing or older than src/, so neither needs a manual build step.
import { existsSync } from 'node:fs'
import { buildIfStale } from '../tools/build-if-stale.mjs'

const server = new URL('../dist/server.js', import.meta.url)
try {
  if (buildIfStale({ optional: true }) === 'built')
    process.stderr.write('veracall-signaling: built dist/\n')
} catch (error) {
  process.stderr.write(`veracall-signaling: ${error instanceof Error ? error.message : error}\n`)
  process.exit(1)
}
if (!existsSync(server)) {
  process.stderr.write(
    'veracall-signaling: dist/ is missing and TypeScript is not installed to build it. ' +
      'In a checkout, run `npm ci` first; a package installed from `npm pack` carries dist/.\n',
  )
  process.exit(1)
}
await import(server.href)
