/**
 * Static checks over the desktop shell's sources (E1, E6, E9, E10, E12, E15, E16, E17): patterns
 * that must never appear in production code, in the spirit of Electronegativity's checks.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')

function filesUnder(dir: string): string[] {
  const abs = path.join(root, dir)
  const out: string[] = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name)
      if (statSync(full).isDirectory()) walk(full)
      else if (/\.(ts|tsx|js|mjs|cjs|html)$/.test(name)) out.push(full)
    }
  }
  walk(abs)
  return out
}

const sources = filesUnder('src').map((file) => ({
  file: path.relative(root, file),
  // Comments may explain a forbidden pattern; only code counts.
  code: readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1'),
}))

function offenders(pattern: RegExp, files = sources): string[] {
  return files.filter((f) => pattern.test(f.code)).map((f) => f.file)
}

describe('static scan of src/', () => {
  it('scans a real tree', () => {
    expect(sources.some((s) => s.file === path.join('src', 'main', 'index.ts'))).toBe(true)
    expect(sources.length).toBeGreaterThan(20)
  })

  it.each([
    ['nodeIntegration: true', /nodeIntegration(InWorker|InSubFrames)?\s*:\s*true/],
    ['contextIsolation: false', /contextIsolation\s*:\s*false/],
    ['sandbox: false', /sandbox\s*:\s*false/],
    ['webSecurity: false', /webSecurity\s*:\s*false/],
    ['allowRunningInsecureContent', /allowRunningInsecureContent/],
    ['experimentalFeatures', /experimentalFeatures/],
    ['enableBlinkFeatures', /enableBlinkFeatures/],
    ['webviewTag / <webview (E12)', /webviewTag|<webview/i],
    [
      'dangerous switches (E15)',
      /appendSwitch\(\s*['"](no-sandbox|ignore-certificate-errors|disable-web-security|remote-debugging-port|inspect)/,
    ],
    [
      '--no-sandbox etc. (E15)',
      /--(no-sandbox|ignore-certificate-errors|disable-web-security|remote-debugging-port|inspect)\b/,
    ],
    ['ELECTRON_DISABLE_SECURITY_WARNINGS (E15)', /ELECTRON_DISABLE_SECURITY_WARNINGS/],
    ['certificate-error handler (E16)', /['"]certificate-error['"]/],
    ['setCertificateVerifyProc (E16)', /setCertificateVerifyProc/],
    [
      'executeJavaScript / insertCSS (E17)',
      /\.(executeJavaScript|executeJavaScriptInIsolatedWorld|insertCSS)\s*\(/,
    ],
    ['eval / new Function (E17)', /(^|[^.\w])eval\s*\(|new\s+Function\s*\(/],
    ['file:// loading (E10)', /\.loadFile\s*\(|['"`]file:\/\//],
    // buildApi(ipcRenderer) wraps it; exposing it (or an object holding it) directly is the bug.
    [
      'raw ipcRenderer exposed (E9)',
      /exposeInMainWorld\([^,]+,\s*(\{[^}]*\bipcRenderer\b|ipcRenderer\b)/,
    ],
  ])('finds no %s', (_name, pattern) => {
    expect(offenders(pattern)).toEqual([])
  })

  it('the preload never exposes ipcRenderer and imports nothing from main', () => {
    const preload = sources.filter((s) => s.file.startsWith(path.join('src', 'preload')))
    expect(preload.length).toBeGreaterThan(0)
    expect(offenders(/from\s+['"][^'"]*\/main\//, preload)).toEqual([])
    const index = preload.find((s) => s.file.endsWith('index.ts'))?.code ?? ''
    expect(index).toMatch(/exposeInMainWorld\('veracall', buildApi\(/)
  })

  it('shell.openExternal is called in one place, behind isSafeExternalUrl (E6)', () => {
    expect(offenders(/shell\.openExternal\s*\(/)).toEqual([
      path.join('src', 'main', 'electron-bindings.ts'),
    ])
    // Every other path to it goes through openExternalIfSafe.
    const callers = offenders(/adapter\.openExternal\(|deps\.openExternal\(/)
    for (const file of callers) {
      const code = sources.find((s) => s.file === file)?.code ?? ''
      expect(
        code.includes('openExternalIfSafe') || code.includes('installWebContentsPolicy'),
        file,
      ).toBe(true)
    }
  })

  it('package.json scripts carry no dangerous switches (E15)', () => {
    const pkg = readFileSync(path.join(root, 'package.json'), 'utf8')
    expect(pkg).not.toMatch(
      /--(no-sandbox|ignore-certificate-errors|disable-web-security|remote-debugging-port|inspect)\b(?![^"]*chromium)/,
    )
    expect(pkg).not.toMatch(/ELECTRON_DISABLE_SECURITY_WARNINGS/)
  })
})
