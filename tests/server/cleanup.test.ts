import { existsSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { onCleanup } from '../cleanup.js'
import { startServer, tempDir, type TestServer } from './helper.js'

// The helpers' servers and temp dirs are stopped and removed wherever they were started: a plain
// afterAll called from a test or a hook is dropped by vitest, which left servers running and
// hundreds of veracall-test-* dirs behind.

async function isStopped(server: TestServer): Promise<boolean> {
  try {
    await fetch(server.url + '/health')
    return false
  } catch {
    return true
  }
}

describe('started in a test', () => {
  let dir = ''
  let server: TestServer | undefined
  it('runs until the test finishes', async () => {
    dir = tempDir()
    server = await startServer()
    expect(onCleanup(() => undefined)).toBe('test')
    expect(existsSync(dir)).toBe(true)
    expect(await isStopped(server)).toBe(false)
  })
  it('is stopped and removed once that test has finished', async () => {
    expect(existsSync(dir)).toBe(false)
    expect(server && (await isStopped(server))).toBe(true)
  })
})

describe('started in a beforeAll', () => {
  let dir = ''
  let server: TestServer | undefined
  describe('the suite', () => {
    beforeAll(async () => {
      dir = tempDir()
      server = await startServer()
      expect(onCleanup(() => undefined)).toBe('running-suite')
    })
    it('runs through the suite', async () => {
      expect(existsSync(dir)).toBe(true)
      expect(server && (await isStopped(server))).toBe(false)
    })
  })
  it('is stopped and removed after that suite', async () => {
    expect(existsSync(dir)).toBe(false)
    expect(server && (await isStopped(server))).toBe(true)
  })
})

describe('made in a describe body', () => {
  let dir = ''
  describe('the suite', () => {
    dir = tempDir()
    expect(onCleanup(() => undefined)).toBe('suite')
    it('stays through the suite', () => {
      expect(existsSync(dir)).toBe(true)
    })
  })
  it('is removed after that suite', () => {
    expect(existsSync(dir)).toBe(false)
  })
})

describe('made in a beforeEach', () => {
  const dirs: string[] = []
  beforeEach(() => {
    dirs.push(tempDir())
    expect(onCleanup(() => undefined)).toBe('test')
  })
  it('stays through its test', () => {
    expect(dirs).toHaveLength(1)
    expect(existsSync(dirs[0] ?? '')).toBe(true)
  })
  it('is removed when that test has finished', () => {
    expect(dirs).toHaveLength(2)
    expect(existsSync(dirs[0] ?? '')).toBe(false)
    expect(existsSync(dirs[1] ?? '')).toBe(true)
  })
})

let afterAllDir = ''
describe("made in a describe's afterAll", () => {
  describe('the suite', () => {
    it('runs a test', () => undefined)
    afterAll(() => {
      afterAllDir = tempDir()
    })
  })
  it('stays until the enclosing suite ends', () => {
    expect(existsSync(afterAllDir)).toBe(true)
  })
})
it("made in a describe's afterAll: removed after the enclosing suite", () => {
  expect(afterAllDir).not.toBe('')
  expect(existsSync(afterAllDir)).toBe(false)
})
