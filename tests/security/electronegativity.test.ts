/**
 * Electronegativity (E18) over the sources and the electron-vite build, with the Electron version
 * set: every finding must be a reviewed false positive in electronegativity-allowlist.ts, so a new
 * real finding fails. AvailableSecurityFixesGlobalCheck is left out: it downloads release data.
 */
import { readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildDesktopBundle } from '../desktop-bundle/desktop-shell.js'
import {
  ALLOWED_FINDINGS,
  ALLOWED_SCAN_ERRORS,
  type AllowedFinding,
  type AllowedScanError,
} from './electronegativity-allowlist.js'

const root = path.resolve(import.meta.dirname, '../..')
const require = createRequire(import.meta.url)

interface Issue {
  id: string
  file: string
  sample?: string
}
interface ScanResult {
  atomicChecks: number
  globalChecks: number
  issues: Issue[]
  errors: { file: string; message: string; tolerable: boolean }[]
}
type Run = (
  options: {
    input: string
    electronVersionOverride: string
    excludeFromScan: string[]
    isRelative: boolean
  },
  forCli: false,
) => Promise<ScanResult>

/** The installed (lockfile-pinned) Electron, so version-dependent defaults are judged right. */
const ELECTRON_VERSION = (
  JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')) as { version: string }
).version

/**
 * The tool fetches translations from the internet before each scan; answer that one request
 * with a 404 from here (it then uses its bundled English), so the test never goes online.
 */
function loadElectronegativity(): Run {
  const tool = createRequire(require.resolve('@doyensec/electronegativity'))
  const got = tool.resolve('got')
  const offline = async (): Promise<{ statusCode: number; body: string }> => ({
    statusCode: 404,
    body: '',
  })
  require.cache[got] = {
    id: got,
    filename: got,
    loaded: true,
    exports: { __esModule: true, default: offline },
  } as unknown as NodeJS.Module
  return require('@doyensec/electronegativity') as Run
}

interface Finding {
  /** `src/…` or `out/…`, relative to the scanned folder. */
  where: string
  id: string
  sample: string
}

async function scan(run: Run, label: 'src' | 'out', input: string) {
  const result = await run(
    {
      input,
      electronVersionOverride: ELECTRON_VERSION,
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
      isRelative: true,
    },
    false,
  )
  const at = (file: string): string => `${label}/${file.split(path.sep).join('/')}`
  return {
    checks: result.atomicChecks + result.globalChecks,
    findings: result.issues.map((i): Finding => ({
      where: at(i.file),
      id: i.id,
      sample: i.sample ?? '',
    })),
    // A file the tool could not analyse is a file it did not scan.
    errors: result.errors
      .filter((e) => !e.tolerable)
      .map((e) => ({ where: at(path.relative(input, e.file)), message: e.message })),
  }
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const matchesFile = (pattern: string, where: string): boolean =>
  new RegExp(`^${pattern.split('*').map(escape).join('[^/]*')}$`).test(where)

/** Checks a list of entries against what was found: unlisted ones, and counts that differ. */
function reconcile<T extends { where: string }, E extends AllowedFinding | AllowedScanError>(
  found: T[],
  entries: readonly E[],
  matches: (entry: E, item: T) => boolean,
): { unlisted: T[]; miscounted: string[] } {
  const listed = new Set<T>()
  const miscounted: string[] = []
  for (const entry of entries) {
    for (const [file, count] of Object.entries(entry.findings)) {
      const hits = found.filter((item) => matchesFile(file, item.where) && matches(entry, item))
      hits.forEach((hit) => listed.add(hit))
      if (hits.length !== count)
        miscounted.push(`${'id' in entry ? entry.id : entry.message} in ${file}: ${hits.length}`)
    }
  }
  return { unlisted: found.filter((item) => !listed.has(item)), miscounted }
}

let outDir = ''
let results: Awaited<ReturnType<typeof scan>>[] = []

beforeAll(async () => {
  // Built the way tests/desktop-bundle builds it, into a temp folder.
  outDir = await buildDesktopBundle()
  const run = loadElectronegativity()
  results = [await scan(run, 'src', path.join(root, 'src')), await scan(run, 'out', outDir)]
}, 240_000)

afterAll(async () => {
  if (outDir !== '') await rm(outDir, { recursive: true, force: true })
})

describe(`Electronegativity on src/ and the build (Electron ${ELECTRON_VERSION}, E18)`, () => {
  it('ran its checks on both', () => {
    expect(ELECTRON_VERSION).toMatch(/^\d+\.\d+\.\d+/)
    for (const result of results) expect(result.checks).toBeGreaterThan(30)
  })

  it('finds nothing but the reviewed false positives', () => {
    const { unlisted, miscounted } = reconcile(
      results.flatMap((r) => r.findings),
      ALLOWED_FINDINGS,
      (entry, finding) =>
        entry.id === finding.id &&
        (entry.sample === undefined || finding.sample.includes(entry.sample)),
    )
    expect(unlisted, 'new findings: fix them, or review and list them with a reason').toEqual([])
    expect(miscounted, 'allow-list counts that differ from the findings').toEqual([])
  })

  it('analysed every file, except the reviewed ones it cannot parse', () => {
    const { unlisted, miscounted } = reconcile(
      results.flatMap((r) => r.errors),
      ALLOWED_SCAN_ERRORS,
      (entry, error) => entry.message === error.message,
    )
    expect(unlisted).toEqual([])
    expect(miscounted).toEqual([])
  })
})
