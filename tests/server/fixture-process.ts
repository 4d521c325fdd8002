import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/**
 * Starts a fixture script of tests/server/fixtures in a Node process of its own (tsx, workspace
 * sources). Its stdin is a pipe from this process that it never reads: when this process dies, for
 * whatever reason, the pipe closes and a fixture that calls stopWithParent() stops itself, so no
 * test leaves a server running behind it. Plain Node (no vitest), so a fixture can use it too.
 */
export function spawnFixtureProcess(
  script: string,
  env: Record<string, string>,
  stdout: 'pipe' | 'inherit' = 'pipe',
): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=source',
      fileURLToPath(new URL(`fixtures/${script}`, import.meta.url)),
    ],
    // Load shedding off unless a test asks for it: a busy machine must not turn a durability or
    // crash test's request into a 503 (shedding has its own tests).
    { env: { ...process.env, SHED_LOAD: 'off', ...env }, stdio: ['pipe', stdout, 'pipe'] },
  )
}
