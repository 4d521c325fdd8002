import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { RouteOptions } from 'fastify'
import { describe, expect, it } from 'vitest'
import { buildApp } from 'veracall-signaling'
import { ROUTES } from 'veracall-signaling/protocol'
import { testConfig } from './helper.js'

const SRC = new URL('../../signaling-server/src/', import.meta.url).pathname

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  )
}

/** The code of a file without its comments (which may name a path in prose). */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|\s)\/\/.*$/gm, '$1')
}

describe('ROUTES is the one table of paths', () => {
  it('the server registers exactly the paths ROUTES holds', async () => {
    const routes: RouteOptions[] = []
    const app = await buildApp({ config: testConfig(), onRoute: (r) => void routes.push(r) })
    await app.ready()
    await app.close()
    const registered = routes
      .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && r.url !== '/metrics')
      .map((r) => r.url)
    const table = Object.values(ROUTES).flatMap((p) => (typeof p === 'string' ? [p] : []))
    expect([...new Set(registered)].sort()).toEqual([...table].sort())
    // What a client builds for a room is what the pattern matches.
    expect(ROUTES.callSocket('room 1')).toBe(
      ROUTES.callSocketPattern.replace(':roomId', 'room%201'),
    )
  })

  it('no server module restates a path: routes and sockets are registered from ROUTES', () => {
    const restated = sourceFiles(SRC)
      .filter((file) => !file.endsWith(join('protocol', 'rest.ts')))
      .flatMap((file) =>
        [...code(file).matchAll(/['"`](\/(?:api|ws|health)\b[^'"`]*)['"`]/g)].map(
          (m) => `${relative(SRC, file)}: ${m[1]}`,
        ),
      )
    expect(restated).toEqual([])
  })
})
