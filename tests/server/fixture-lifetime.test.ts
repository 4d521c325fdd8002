import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it, onTestFinished } from 'vitest'
import { spawnFixtureProcess } from './fixture-process.js'
import { tempDir, TEST_SECRET } from './helper.js'

describe('fixture processes', () => {
  it('a server fixture stops when the test process that started it dies', async () => {
    // serve-parent.ts plays a test process: it starts the serve fixture, then is killed without
    // any clean-up (as when a failed suite's worker is torn down).
    const parent = spawnFixtureProcess('serve-parent.ts', {
      JWT_SECRET: TEST_SECRET,
      DB_PATH: join(tempDir(), 'orphan.db'),
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
    })
    // Whatever happens below, the parent goes, and with it (that is the point) the server.
    onTestFinished(() => void parent.kill('SIGKILL'))
    const stdout = parent.stdout as NodeJS.ReadableStream
    // The pipe closes when its last writer, the server (which inherited it), has exited.
    const outputClosed = new Promise<void>((resolve) => stdout.once('close', resolve))
    const url = await new Promise<string>((resolve) =>
      createInterface({ input: stdout }).on('line', (text) => {
        const line = JSON.parse(text) as { url?: string }
        if (line.url) resolve(line.url)
      }),
    )
    expect((await fetch(`${url}/health`)).status).toBe(200)
    parent.kill('SIGKILL')
    await outputClosed
    await expect(fetch(`${url}/health`)).rejects.toThrow()
  })
})
