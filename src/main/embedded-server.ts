import { randomBytes } from 'node:crypto'
import { chmod, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { MAX_SERVER_ERROR_LENGTH, type ServerInfo } from '../shared/ipc-contract.js'
import type { SafeStorageLike } from './electron-adapter.js'

/** The shape of `createSignalingServer` from the veracall-signaling package. */
export interface SignalingServerHandle {
  start(): Promise<{ url: string; host: string; port: number }>
  stop(): Promise<void>
}
export type CreateSignalingServer = (options: {
  env?: Record<string, string | undefined>
  webRoot?: string
}) => SignalingServerHandle

export const SECRET_BYTES = 48
/** Fixed so that the address given to someone on the LAN stays valid across restarts. */
export const LAN_PORT = 47_800
const ENCRYPTED_SECRET_FILE = 'server-secret.enc'
const PLAIN_SECRET_FILE = 'server-secret.key'
export const DB_FILE = 'signaling.db'
/** Files SQLite keeps next to the database in WAL mode. */
const DB_COMPANIONS = ['-wal', '-shm', '-journal']
/** Linux safeStorage backends that encrypt with a keyring; basic_text uses a fixed key. */
const KEYRING_BACKENDS = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'])
const PRIVATE_MODE = 0o600

export interface EmbeddedServerDeps {
  create: () => Promise<CreateSignalingServer>
  userDataDir: string
  safeStorage: SafeStorageLike
  /** The renderer folder, served to LAN guests who use a browser. */
  webRoot?: string
  /** Origins the server must accept for CORS and WebSocket upgrades (the app's own first). */
  appOrigins: readonly string[]
  /** Non-internal IPv4 addresses of this machine (os.networkInterfaces()). */
  lanAddresses(): string[]
  log(message: string): void
}

export interface EmbeddedServer {
  start(sharing: boolean): Promise<ServerInfo>
  stop(): Promise<void>
  info(): ServerInfo
  /** The address the server actually bound (E21), null when stopped. */
  address(): { host: string; port: number } | null
}

/**
 * True when safeStorage really encrypts. On Linux it also "encrypts" without a keyring, with the
 * basic_text backend's fixed key, which protects nothing: that counts as unencrypted, as does
 * 'unknown' (asked before ready). getSelectedStorageBackend exists on Linux only.
 */
export function safeStorageEncrypts(safeStorage: SafeStorageLike): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false
  const backend = safeStorage.getSelectedStorageBackend?.()
  return backend === undefined || KEYRING_BACKENDS.has(backend)
}

/**
 * Writes `data` to a new file only this user can read, then renames it over `file`: writeFile's
 * mode applies only when it creates the file, so an existing 0644 file used to stay 0644.
 */
async function writePrivateFile(file: string, data: string | Uint8Array): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(temp, data, { mode: PRIVATE_MODE })
  try {
    await rename(temp, file)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

/**
 * Creates the database file 0600 before SQLite opens it (SQLite creates it 0644, and its -wal and
 * -shm files take the database's mode), and narrows the mode of files an older version left.
 */
export async function preparePrivateDatabase(dbPath: string): Promise<void> {
  const handle = await open(dbPath, 'a', PRIVATE_MODE)
  try {
    await handle.chmod(PRIVATE_MODE)
  } finally {
    await handle.close()
  }
  for (const suffix of DB_COMPANIONS) {
    await chmod(dbPath + suffix, PRIVATE_MODE).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error
    })
  }
}

/**
 * The JWT secret: random, generated once, kept encrypted with safeStorage where the OS keyring
 * offers it (E21). Otherwise (e.g. Linux without a keyring) it is kept in a 0600 file instead.
 */
export async function loadOrCreateSecret(
  dir: string,
  safeStorage: SafeStorageLike,
  log: (message: string) => void,
): Promise<string> {
  await mkdir(dir, { recursive: true })
  const encryptedFile = path.join(dir, ENCRYPTED_SECRET_FILE)
  const plainFile = path.join(dir, PLAIN_SECRET_FILE)
  const encryption = safeStorageEncrypts(safeStorage)
  if (safeStorage.isEncryptionAvailable()) {
    try {
      const secret = safeStorage.decryptString(await readFile(encryptedFile))
      if (isValidSecret(secret)) {
        if (encryption) return secret
        // Stored by an earlier version with basic_text's fixed key: keep it, but say what it is.
        log(
          'safeStorage has no keyring: moving the server secret to a file readable by this user only',
        )
        await writePrivateFile(plainFile, secret)
        await rm(encryptedFile, { force: true })
        return secret
      }
    } catch {
      // Missing or undecryptable (keyring changed): fall through and regenerate.
    }
  }
  try {
    const secret = (await readFile(plainFile, 'utf8')).trim()
    if (isValidSecret(secret)) {
      if (encryption) await storeEncrypted(encryptedFile, plainFile, secret, safeStorage)
      return secret
    }
  } catch {
    // No plain file: generate below.
  }
  const secret = randomBytes(SECRET_BYTES).toString('base64url')
  if (encryption) await storeEncrypted(encryptedFile, plainFile, secret, safeStorage)
  else {
    log('safeStorage unavailable: keeping the server secret in a file readable by this user only')
    await writePrivateFile(plainFile, secret)
  }
  return secret
}

async function storeEncrypted(
  encryptedFile: string,
  plainFile: string,
  secret: string,
  safeStorage: SafeStorageLike,
): Promise<void> {
  await writePrivateFile(encryptedFile, safeStorage.encryptString(secret))
  await rm(plainFile, { force: true })
}

function isValidSecret(secret: string): boolean {
  return Buffer.byteLength(secret, 'utf8') >= 32 && /^[A-Za-z0-9_-]+$/.test(secret)
}

/** The environment handed to the server package (keys as in protocol.md). */
export function serverEnv(options: {
  sharing: boolean
  secret: string
  dbPath: string
  corsOrigins: readonly string[]
}): Record<string, string> {
  return {
    HOST: options.sharing ? '0.0.0.0' : '127.0.0.1',
    PORT: String(options.sharing ? LAN_PORT : 0),
    JWT_SECRET: options.secret,
    DB_PATH: options.dbPath,
    CORS_ORIGINS: options.corsOrigins.join(','),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  }
}

export function createEmbeddedServer(deps: EmbeddedServerDeps): EmbeddedServer {
  let handle: SignalingServerHandle | null = null
  let bound: { host: string; port: number } | null = null
  // Read (and decrypted) once: toggling sharing restarts the server, not the secret's storage.
  let secret: string | null = null
  let info: ServerInfo = {
    running: false,
    localUrl: null,
    lanUrls: [],
    sharing: false,
    error: null,
    secretEncrypted: safeStorageEncrypts(deps.safeStorage),
  }

  const stopNow = async (): Promise<void> => {
    const current = handle
    handle = null
    bound = null
    info = { ...info, running: false, localUrl: null, lanUrls: [] }
    if (current !== null) await current.stop()
  }

  const startNow = async (sharing: boolean): Promise<ServerInfo> => {
    await stopNow()
    try {
      secret ??= await loadOrCreateSecret(deps.userDataDir, deps.safeStorage, deps.log)
      const lanUrls = sharing ? deps.lanAddresses().map((ip) => `http://${ip}:${LAN_PORT}`) : []
      const dbPath = path.join(deps.userDataDir, DB_FILE)
      await preparePrivateDatabase(dbPath)
      const create = await deps.create()
      const server = create({
        env: serverEnv({
          sharing,
          secret,
          dbPath,
          corsOrigins: [...deps.appOrigins, ...lanUrls],
        }),
        ...(deps.webRoot === undefined ? {} : { webRoot: deps.webRoot }),
      })
      const address = await server.start()
      handle = server
      bound = { host: address.host, port: address.port }
      info = {
        running: true,
        localUrl: `http://127.0.0.1:${address.port}`,
        lanUrls,
        sharing,
        error: null,
        secretEncrypted: safeStorageEncrypts(deps.safeStorage),
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      deps.log(`embedded server failed to start: ${message}`)
      info = {
        running: false,
        localUrl: null,
        lanUrls: [],
        sharing,
        error: message.slice(0, MAX_SERVER_ERROR_LENGTH),
        secretEncrypted: safeStorageEncrypts(deps.safeStorage),
      }
    }
    return { ...info }
  }

  // Starts and stops run one at a time, in the order asked: two quick sharing toggles used to
  // start two servers and lose the handle of the first (a LAN listener nobody could stop).
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task)
    queue = run.catch(() => undefined)
    return run
  }

  return {
    start: (sharing) => serial(() => startNow(sharing)),
    stop: () => serial(stopNow),
    info: () => ({ ...info, lanUrls: [...info.lanUrls] }),
    address: () => (bound === null ? null : { ...bound }),
  }
}
