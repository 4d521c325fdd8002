import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// The process boundaries are lint rules (eslint.config.js); this pins that they fire, so a
// config edit cannot silently drop one.
const eslint = new ESLint()

async function restricted(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath })
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message)
}

describe('import boundaries between processes', () => {
  it.each([
    ['src/preload/x.ts', "import { a } from '../main/ipc/handlers.js'\nexport { a }\n"],
    ['src/preload/x.ts', "import { a } from '../renderer/src/app/App.js'\nexport { a }\n"],
    ['src/main/x.ts', "import { a } from '../renderer/src/app/App.js'\nexport { a }\n"],
    ['src/main/tray/x.ts', "import { a } from '../../preload/build-api.js'\nexport { a }\n"],
    ['src/renderer/src/x.ts', "import { a } from '../../main/detector/host.js'\nexport { a }\n"],
    ['src/shared/x.ts', "import { a } from '../main/settings/schema.js'\nexport { a }\n"],
    ['src/renderer/src/x.ts', "import { a } from 'node:fs'\nexport { a }\n"],
  ])('%s may not import %j', async (file, source) => {
    expect(await restricted(file, source)).not.toEqual([])
  })

  it.each([
    ['src/preload/x.ts', "import { a } from '../shared/ipc-contract.js'\nexport { a }\n"],
    ['src/main/x.ts', "import { a } from '../shared/ipc-contract.js'\nexport { a }\n"],
    ['src/renderer/src/x.ts', "import { a } from '../../shared/ipc-contract.js'\nexport { a }\n"],
    ['src/main/x.ts', "import { a } from './detector/host.js'\nexport { a }\n"],
  ])('%s may import %j', async (file, source) => {
    expect(await restricted(file, source)).toEqual([])
  })
})
