import { afterAll, onTestFinished, TestRunner } from 'vitest'
import type { RunnerTestFile, RunnerTestSuite } from 'vitest'

/** Where a cleanup registered now will run. */
export type CleanupScope = 'test' | 'suite' | 'running-suite'

type Cleanup = () => unknown

/**
 * Runs `cleanup` when whatever is running now is over, wherever it is called:
 *  - in a test or its beforeEach/afterEach: when that test finishes, failed or not;
 *  - in a describe body or at a file's top level (collection): after that suite's tests;
 *  - in a beforeAll: after the suite that is running it;
 *  - in a describe's afterAll: after the enclosing suite.
 * A plain `afterAll` called from a test or a hook is silently dropped by vitest (its suite's
 * hooks were already collected), so servers and temp dirs started there were never stopped.
 * Later cleanups run first, as with afterAll.
 */
export function onCleanup(cleanup: Cleanup): CleanupScope {
  if (TestRunner.getCurrentTest()) {
    try {
      onTestFinished(async () => {
        await cleanup()
      })
      return 'test'
    } catch {
      // In an onTestFinished callback, where vitest refuses another: after the running suite.
    }
  }
  const file = TestRunner.getCurrentSuite().file
  if (!file?.result) {
    // Collecting: an ordinary afterAll on the suite being defined.
    afterAll(async () => {
      await cleanup()
    })
    return 'suite'
  }
  // Running a hook: the innermost suite still running. vitest reads a suite's afterAll hooks only
  // when it runs them, so one added now still runs (first, being last) - unless they are running
  // now, in which case the enclosing suite's do.
  TestRunner.getSuiteHooks(pendingAfterAll(file)).afterAll.push(async () => {
    await cleanup()
  })
  return 'running-suite'
}

/**
 * Runs `cleanup` after the whole test file, for something shared by its suites (a build).
 * While collecting, after the suite being defined: the caller must cope with being asked again.
 */
export function onFileCleanup(cleanup: Cleanup): void {
  const file = TestRunner.getCurrentSuite().file
  if (!file?.result) {
    afterAll(async () => {
      await cleanup()
    })
    return
  }
  if (file.result.hooks?.afterAll === 'run')
    throw new Error('onFileCleanup in a file-level afterAll')
  TestRunner.getSuiteHooks(file).afterAll.push(async () => {
    await cleanup()
  })
}

function pendingAfterAll(file: RunnerTestFile): RunnerTestSuite {
  let suite = innermostRunning(file)
  while (suite.result?.hooks?.afterAll === 'run') {
    if (suite === file)
      throw new Error('onCleanup in a file-level afterAll: nothing runs later; stop it there')
    suite = suite.suite ?? file
  }
  return suite
}

function innermostRunning(suite: RunnerTestSuite): RunnerTestSuite {
  for (const task of suite.tasks)
    if (task.type === 'suite' && task.result?.state === 'run') return innermostRunning(task)
  return suite
}
