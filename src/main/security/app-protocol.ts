import { readFile, realpath } from 'node:fs/promises'
import path from 'node:path'
import { APP_HOST } from '../../shared/ipc-contract.js'
import { parseUrl } from './origin.js'

/**
 * The app:// handler that serves the renderer (E10), path-confined like Signal's protocol_filter:
 * decode → normalize → realpath → prefix check against the renderer folder. Anything that
 * escapes (.., encoded separators, absolute paths, symlinks out) is a 404, never a read.
 */
const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
}

export interface AppProtocolOptions {
  /** The built renderer folder. */
  root: string
  /** The policy header to send (production CSP). */
  csp: () => string
}

export type ResolveResult = { ok: true; file: string } | { ok: false; status: 400 | 404 }

/** Maps an app:// URL to a file inside `root`, or refuses. Exported for the table tests. */
export async function resolveAppPath(rawUrl: string, root: string): Promise<ResolveResult> {
  const url = parseUrl(rawUrl)
  if (url === null) return { ok: false, status: 400 }
  if (url.protocol !== 'app:' || url.host.toLowerCase() !== APP_HOST)
    return { ok: false, status: 404 }
  let decoded: string
  try {
    decoded = decodeURIComponent(url.pathname)
  } catch {
    return { ok: false, status: 400 }
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 404 }
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded
  // Join as a relative path so an absolute-looking one can't replace the root.
  const candidate = path.normalize(path.join(root, '.', path.posix.normalize('/' + relative)))
  let realRoot: string
  let realFile: string
  try {
    realRoot = await realpath(root)
    realFile = await realpath(candidate)
  } catch {
    return { ok: false, status: 404 }
  }
  if (!realFile.startsWith(realRoot + path.sep)) return { ok: false, status: 404 }
  return { ok: true, file: realFile }
}

export function createAppProtocolHandler(
  options: AppProtocolOptions,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const headers = {
      'content-security-policy': options.csp(),
      'x-content-type-options': 'nosniff',
      'cross-origin-opener-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers })
    }
    const resolved = await resolveAppPath(request.url, options.root)
    if (!resolved.ok) return new Response(null, { status: resolved.status, headers })
    let body: Buffer
    try {
      body = await readFile(resolved.file)
    } catch {
      return new Response(null, { status: 404, headers })
    }
    const type = MIME[path.extname(resolved.file).toLowerCase()] ?? 'application/octet-stream'
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: { ...headers, 'content-type': type },
    })
  }
}
