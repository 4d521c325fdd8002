#!/usr/bin/env node
// Compiles src/ to dist/ with tsc when dist/ is missing or older than its sources, so `npm start`
// (and `npm run server` at the repository root) always runs JavaScript matching src/, from a fresh
// clone too, with no manual build step. `--optional` (the `prepare` script, which also runs in
// production installs) skips quietly where TypeScript isn't installed.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..')
/** Besides src/: the compiler settings, whose change changes the output. */
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json', '../tsconfig.base.json']

function newestIn(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs)
  }
  return newest
}

/** Whether dist/ must be (re)built: missing, or older than a source or a tsconfig. */
export function isStale(dir = PACKAGE) {
  const output = join(dir, 'dist', 'server.js')
  if (!existsSync(output)) return true
  const configs = CONFIGS.map((name) => join(dir, name)).filter((path) => existsSync(path))
  const newest = Math.max(newestIn(join(dir, 'src')), ...configs.map((p) => statSync(p).mtimeMs))
  return newest > statSync(output).mtimeMs
}

/** 'fresh', 'built', or 'skipped' (optional and no TypeScript); throws when it can't build. */
export function buildIfStale({ dir = PACKAGE, optional = false } = {}) {
  // Nothing to build from yet (an image's dependency layer, installed before the sources).
  if (!existsSync(join(dir, 'src')) && optional) return 'skipped'
  if (!isStale(dir)) return 'fresh'
  let tsc
  try {
    tsc = createRequire(join(dir, 'package.json')).resolve('typescript/bin/tsc')
  } catch {
    if (optional) return 'skipped'
    throw new Error('dist/ is missing or out of date and TypeScript is not installed: run npm ci')
  }
  const build = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.build.json')], {
    stdio: 'inherit',
  })
  if (build.status !== 0) throw new Error(`tsc failed (exit ${build.status ?? build.signal})`)
  return 'built'
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const result = buildIfStale({ optional: process.argv.includes('--optional') })
    if (result === 'built') process.stderr.write('veracall-signaling: built dist/\n')
  } catch (error) {
    process.stderr.write(`veracall-signaling: ${error.message}\n`)
    process.exit(1)
  }
}
