import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Value from 'typebox/value'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  LAN_PORT,
  createEmbeddedServer,
  loadOrCreateSecret,
  preparePrivateDatabase,
  safeStorageEncrypts,
  serverEnv,
  type CreateSignalingServer,
} from '../../src/main/embedded-server.js'
import type { SafeStorageLike } from '../../src/main/electron-adapter.js'
import { MAX_SERVER_ERROR_LENGTH, ServerInfo } from '../../src/shared/ipc-contract.js'
import { onCleanup } from '../cleanup.js'
import { FakeSafeStorage } from './fakes.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'veracall-server-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The embedded server over `create`, in this test's userData folder, for the app's origin. */
function embedded(
  create: () => Promise<CreateSignalingServer>,
  { safeStorage = new FakeSafeStorage(), lan = [] as string[] } = {},
) {
  return createEmbeddedServer({
    create,
    userDataDir: dir,
    safeStorage,
    appOrigins: ['app://veracall'],
    lanAddresses: () => lan,
    log: () => undefined,
  })
}

describe('JWT secret (E21)', () => {
  it('is random, ≥ 32 bytes, generated once and kept encrypted with safeStorage', async () => {
    const storage = new FakeSafeStorage(true)
    const secret = await loadOrCreateSecret(dir, storage, () => undefined)
    expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32)
    expect(Buffer.from(secret, 'base64url').length).toBeGreaterThanOrEqual(32)
    expect(await loadOrCreateSecret(dir, storage, () => undefined)).toBe(secret)
    const files = await readdir(dir)
    expect(files).toEqual(['server-secret.enc'])
    const stored = await readFile(path.join(dir, 'server-secret.enc'), 'utf8')
    expect(stored).not.toContain(secret)
    const other = await mkdtemp(path.join(tmpdir(), 'veracall-server-'))
    onCleanup(() => rm(other, { recursive: true, force: true }))
    expect(await loadOrCreateSecret(other, storage, () => undefined)).not.toBe(secret)
  })

  it('falls back to a 0600 file without safeStorage, and moves it into safeStorage later', async () => {
    const logs: string[] = []
    const secret = await loadOrCreateSecret(dir, new FakeSafeStorage(false), (m) => logs.push(m))
    expect(logs.join()).toContain('safeStorage unavailable')
    const plain = path.join(dir, 'server-secret.key')
    if (process.platform !== 'win32') expect((await stat(plain)).mode & 0o777).toBe(0o600)
    expect(await loadOrCreateSecret(dir, new FakeSafeStorage(true), () => undefined)).toBe(secret)
    expect(await readdir(dir)).toEqual(['server-secret.enc'])
  })

  it('regenerates when the stored secret is unreadable or too short', async () => {
    await writeFile(path.join(dir, 'server-secret.enc'), 'garbage')
    await writeFile(path.join(dir, 'server-secret.key'), 'short')
    const secret = await loadOrCreateSecret(dir, new FakeSafeStorage(true), () => undefined)
    expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32)
    expect(secret).not.toBe('short')
  })
})

const posix = process.platform !== 'win32'
const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777

describe('secret storage without a keyring (basic_text) and file modes', () => {
  it("counts only a keyring backend as encryption; basic_text's fixed key is none", () => {
    expect(safeStorageEncrypts(new FakeSafeStorage(true, 'gnome_libsecret'))).toBe(true)
    expect(safeStorageEncrypts(new FakeSafeStorage(true, 'kwallet6'))).toBe(true)
    expect(safeStorageEncrypts(new FakeSafeStorage(true, 'basic_text'))).toBe(false)
    expect(safeStorageEncrypts(new FakeSafeStorage(true, 'unknown'))).toBe(false)
    expect(safeStorageEncrypts(new FakeSafeStorage(false, 'gnome_libsecret'))).toBe(false)
    // macOS and Windows have no getSelectedStorageBackend.
    const mac: SafeStorageLike = {
      isEncryptionAvailable: () => true,
      encryptString: (plain) => Buffer.from(plain),
      decryptString: (encrypted) => encrypted.toString(),
    }
    expect(safeStorageEncrypts(mac)).toBe(true)
  })

  it('with basic_text keeps the secret in a 0600 file, not "encrypted" with the fixed key', async () => {
    const logs: string[] = []
    const storage = new FakeSafeStorage(true, 'basic_text')
    const secret = await loadOrCreateSecret(dir, storage, (m) => logs.push(m))
    expect(await readdir(dir)).toEqual(['server-secret.key'])
    expect(await readFile(path.join(dir, 'server-secret.key'), 'utf8')).toBe(secret)
    if (posix) expect(await modeOf(path.join(dir, 'server-secret.key'))).toBe(0o600)
    expect(logs.join()).toContain('safeStorage unavailable')
  })

  it('moves a secret stored with basic_text by an earlier version into the 0600 file', async () => {
    const old = await loadOrCreateSecret(dir, new FakeSafeStorage(true), () => undefined)
    expect(await readdir(dir)).toEqual(['server-secret.enc'])
    const storage = new FakeSafeStorage(true, 'basic_text')
    expect(await loadOrCreateSecret(dir, storage, () => undefined)).toBe(old)
    expect(await readdir(dir)).toEqual(['server-secret.key'])
    if (posix) expect(await modeOf(path.join(dir, 'server-secret.key'))).toBe(0o600)
  })

  it.skipIf(!posix)('a regenerated server-secret.key is 0600 even over a 0644 file', async () => {
    const plain = path.join(dir, 'server-secret.key')
    await writeFile(plain, 'short', { mode: 0o644 })
    await chmod(plain, 0o644)
    const secret = await loadOrCreateSecret(dir, new FakeSafeStorage(false), () => undefined)
    expect(await readFile(plain, 'utf8')).toBe(secret)
    expect(await modeOf(plain)).toBe(0o600)
  })

  it.skipIf(!posix)(
    'creates signaling.db 0600 and narrows an older 0644 one and its WAL',
    async () => {
      const db = path.join(dir, 'signaling.db')
      await preparePrivateDatabase(db)
      expect(await modeOf(db)).toBe(0o600)
      expect((await stat(db)).size).toBe(0)
      await writeFile(db, 'data')
      await chmod(db, 0o644)
      await writeFile(db + '-wal', 'wal', { mode: 0o644 })
      await chmod(db + '-wal', 0o644)
      await preparePrivateDatabase(db)
      expect([await modeOf(db), await modeOf(db + '-wal')]).toEqual([0o600, 0o600])
      expect(await readFile(db, 'utf8')).toBe('data')
    },
  )

  it('says in the server info whether the secret is encrypted', async () => {
    const create: CreateSignalingServer = () => ({
      start: async () => ({ url: 'http://127.0.0.1:5000', host: '127.0.0.1', port: 5000 }),
      stop: async () => undefined,
    })
    const plain = embedded(async () => create, {
      safeStorage: new FakeSafeStorage(true, 'basic_text'),
    })
    expect(await plain.start(false)).toMatchObject({ running: true, secretEncrypted: false })
    expect(embedded(async () => create).info().secretEncrypted).toBe(true)
  })
})

describe('server environment', () => {
  it('binds loopback unless sharing, on the LAN port when sharing', () => {
    const base = {
      secret: 's'.repeat(64),
      dbPath: '/u/signaling.db',
      corsOrigins: ['app://veracall'],
    }
    expect(serverEnv({ ...base, sharing: false })).toMatchObject({
      HOST: '127.0.0.1',
      PORT: '0',
      CORS_ORIGINS: 'app://veracall',
    })
    expect(serverEnv({ ...base, sharing: true })).toMatchObject({
      HOST: '0.0.0.0',
      PORT: String(LAN_PORT),
    })
  })

  it('passes DB path in userData, the origin allowlist and reports a failed start', async () => {
    const seen: Record<string, string | undefined>[] = []
    const create: CreateSignalingServer = ({ env }) => ({
      start: async () => {
        seen.push(env ?? {})
        if (env?.['HOST'] === '0.0.0.0') throw new Error('EADDRINUSE')
        return { url: 'http://127.0.0.1:5000', host: '127.0.0.1', port: 5000 }
      },
      stop: async () => undefined,
    })
    const server = embedded(async () => create, { lan: ['192.168.1.5'] })
    expect(await server.start(false)).toEqual({
      running: true,
      localUrl: 'http://127.0.0.1:5000',
      lanUrls: [],
      sharing: false,
      error: null,
      secretEncrypted: true,
    })
    expect(seen[0]?.['DB_PATH']).toBe(path.join(dir, 'signaling.db'))
    expect(seen[0]?.['CORS_ORIGINS']).toBe('app://veracall')
    const failed = await server.start(true)
    expect(failed).toMatchObject({ running: false, error: 'EADDRINUSE', sharing: true })
    expect(seen[1]?.['CORS_ORIGINS']).toBe(`app://veracall,http://192.168.1.5:${LAN_PORT}`)
  })

  it('cuts a long start error to what the ServerInfo contract carries, not less', async () => {
    const create: CreateSignalingServer = () => ({
      start: async () => {
        throw new Error('x'.repeat(2000))
      },
      stop: async () => undefined,
    })
    const failed = await embedded(async () => create).start(false)
    // Before: cut to 500, a second number beside the contract's 512.
    expect(failed.error).toHaveLength(MAX_SERVER_ERROR_LENGTH)
    expect(Value.Check(ServerInfo, failed)).toBe(true)
  })
  it('runs starts and stops one at a time: quick toggles leave one server, the last asked for', async () => {
    const live = new Set<string>()
    let started = 0
    const create: CreateSignalingServer = ({ env }) => {
      const id = `${env?.['HOST']} #${++started}`
      return {
        start: async () => {
          // Binding takes a while, so the next request arrives mid-start.
          await new Promise((resolve) => setTimeout(resolve, 20))
          live.add(id)
          return { url: 'http://127.0.0.1:5000', host: env?.['HOST'] ?? '', port: 5000 }
        },
        stop: async () => {
          live.delete(id)
        },
      }
    }
    const server = embedded(async () => create, { lan: ['192.168.1.5'] })
    await server.start(false)
    // Sharing on then off again before the first restart has finished.
    const [on, off] = await Promise.all([server.start(true), server.start(false)])
    expect(on).toMatchObject({ running: true, sharing: true })
    expect(off).toMatchObject({ running: true, sharing: false, lanUrls: [] })
    expect([...live]).toEqual(['127.0.0.1 #3'])
    expect(server.address()?.host).toBe('127.0.0.1')
    // A stop asked for while a start is running stops what that start bound.
    const [last] = await Promise.all([server.start(true), server.stop()])
    expect(last.sharing).toBe(true)
    expect(live.size).toBe(0)
    expect(server.info().running).toBe(false)
  })

  it('reads and decrypts the secret once, however often sharing is toggled', async () => {
    const secrets: (string | undefined)[] = []
    const create: CreateSignalingServer = ({ env }) => ({
      start: async () => {
        secrets.push(env?.['JWT_SECRET'])
        return { url: 'http://127.0.0.1:5000', host: '127.0.0.1', port: 5000 }
      },
      stop: async () => undefined,
    })
    let decrypts = 0
    const storage = new FakeSafeStorage()
    const decrypt = storage.decryptString.bind(storage)
    storage.decryptString = (encrypted) => {
      decrypts += 1
      return decrypt(encrypted)
    }
    await loadOrCreateSecret(dir, storage, () => undefined)
    const server = embedded(async () => create, { safeStorage: storage })
    decrypts = 0
    await server.start(false)
    await server.start(true)
    await server.start(false)
    expect(decrypts).toBe(1)
    expect(new Set(secrets).size).toBe(1)
    expect(secrets).toHaveLength(3)
  })
})

describe('embedded veracall-signaling, started for real (E21)', () => {
  it('binds 127.0.0.1 on a free port, answers /health, and stops', async () => {
    const server = embedded(async () => (await import('veracall-signaling')).createSignalingServer)
    const info = await server.start(false)
    try {
      expect(info.error).toBeNull()
      expect(info.running).toBe(true)
      const url = new URL(info.localUrl ?? '')
      expect(url.hostname).toBe('127.0.0.1')
      expect(server.address()).toEqual({ host: '127.0.0.1', port: Number(url.port) })
      expect(Number(url.port)).toBeGreaterThan(0)
      const health = await fetch(new URL('/health', url))
      expect(health.status).toBe(200)
      const preflight = await fetch(new URL('/api/v1/auth/login', url), {
        method: 'OPTIONS',
        headers: { origin: 'app://veracall', 'access-control-request-method': 'POST' },
      })
      expect(preflight.headers.get('access-control-allow-origin')).toBe('app://veracall')
    } finally {
      await server.stop()
    }
    expect(server.info().running).toBe(false)
    expect(server.address()).toBeNull()
    expect((await readdir(dir)).some((f) => f.startsWith('signaling.db'))).toBe(true)
  })
})
