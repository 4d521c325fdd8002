import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isSafeExternalUrl } from '../../src/shared/external-url.js'

// One rule for main (shell.openExternal) and the web build (window.open): the web build's own copy
// let credentials and host-less URLs through.
describe('isSafeExternalUrl (E6)', () => {
  it.each([
    ['https://veracall.example/help', true],
    ['http://example.com/', true],
    ['file:///C:/Windows/System32/calc.exe', false],
    ['smb://attacker/share/x.exe', false],
    ['javascript:alert(1)', false],
    ['ms-msdt:/id PCWDiagnostic', false],
    ['vbscript:msgbox', false],
    ['https://user:pass@example.com/', false],
    ['https://user@example.com/', false],
    ['app://veracall/index.html', false],
    ['//example.com', false],
    ['https:', false],
  ])('%s → %s', (url, safe) => {
    expect(isSafeExternalUrl(url)).toBe(safe)
  })

  it('is the check both processes use', () => {
    for (const file of [
      '../../src/main/security/navigation.ts',
      '../../src/renderer/src/platform/web.ts',
    ])
      expect(readFileSync(new URL(file, import.meta.url), 'utf8'), file).toMatch(
        /import \{ isSafeExternalUrl \} from '[./]+\/shared\/external-url\.js'/,
      )
  })
})
