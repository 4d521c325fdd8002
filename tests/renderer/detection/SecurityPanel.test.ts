import i18next from 'i18next'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { describe, expect, it } from 'vitest'
import { fitWithin } from '../../../src/renderer/src/detection/frame-geometry.js'
import {
  SecurityPanel,
  type SecurityPanelProps,
} from '../../../src/renderer/src/detection/SecurityPanel.js'
import locales from '../../../src/shared/i18n/locales/security.js'
import {
  IDLE_PEER_RISK,
  IDLE_RISK,
  type PeerRisk,
  type RiskState,
} from '../../../src/renderer/src/store/slices/risk.js'
import type { RiskUpdate } from '../../../src/shared/detection.js'

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}

/** The panel is a plain view of the store's risk slice: rendered here from a given slice. */
async function render(
  lang: 'en' | 'zh-CN',
  risk: RiskState,
  props: Partial<SecurityPanelProps> = {},
): Promise<string> {
  const i18n = i18next.createInstance()
  await i18n.use(initReactI18next).init({
    lng: lang,
    resources: { en: { translation: locales.en }, 'zh-CN': { translation: locales['zh-CN'] } },
  })
  return renderToStaticMarkup(
    createElement(I18nextProvider, { i18n }, createElement(SecurityPanel, { risk, ...props })),
  )
}

/** No detector in this build. */
const noDetector: RiskState = { ...IDLE_RISK, detector: false }
/** A detector that has not answered yet (its status still unknown). */
const silentDetector: RiskState = { ...IDLE_RISK, detector: true, status: null }

describe('security panel', () => {
  it('has the same string keys in English and Simplified Chinese', () => {
    expect(keys(locales['zh-CN']).sort()).toEqual(keys(locales.en).sort())
  })

  it('says "Unavailable" in words, with a switch, when there is no detector', async () => {
    const html = await render('en', noDetector)
    expect(html).toContain('Unavailable')
    expect(html).toContain('role="switch"')
    expect(html).toContain('data-level="unavailable"')
    expect(html).not.toMatch(/risk<\/span>/i)
    expect(await render('zh-CN', noDetector)).toContain('不可用')
  })

  it('starts in "Analysing…" while the detector is coming up', async () => {
    const html = await render('en', silentDetector)
    expect(html).toContain('Analysing…')
    expect(html).toContain('role="tooltip"')
  })
})

describe('security panel: a detector that cannot run', () => {
  const invalidModel: RiskState = {
    ...IDLE_RISK,
    detector: true,
    status: {
      available: false,
      code: 'model_invalid',
      reason: 'model output is [1,3], model.json says "logit1" ([N,1])',
      model: null,
      fps: 0,
    },
  }

  it('says why in the reader’s language, and shows the technical detail apart', async () => {
    for (const [lang, sentence, label] of [
      ['en', 'The face check cannot run: the model in the model folder', 'Technical detail:'],
      ['zh-CN', '面部检测无法运行：模型文件夹中的模型无法在 Veracall 中运行。', '技术细节：'],
    ] as const) {
      const html = await render(lang, invalidModel)
      const paragraphs = [...html.matchAll(/<p[^>]*>(.*?)<\/p>/g)].map((m) => m[1] ?? '')
      const said = paragraphs.find((p) => p.includes(sentence))
      expect(said, lang).toBeDefined()
      expect(said).not.toMatch(/output/)
      expect(html).toContain(
        `${label} <code lang="en">model output is [1,3], model.json says &quot;logit1&quot; ([N,1])</code>`,
      )
    }
  })
})

describe('security panel: one row per remote person', () => {
  const update = (level: RiskUpdate['level']): RiskUpdate => ({
    callId: 1,
    level,
    score: 0.4,
    history: [0.3, 0.4],
    model: { name: 'veracall-mnv2-sbi', version: '1.1.0' },
  })
  const available = { available: true, model: null, fps: 5 }
  const person = (name: string, level: RiskUpdate['level']): PeerRisk => ({
    ...IDLE_PEER_RISK,
    name,
    update: update(level),
  })

  it('a 1:1 call shows one unnamed row with its sparkline and Verify, as before', async () => {
    const html = await render('en', {
      ...IDLE_RISK,
      detector: true,
      status: available,
      peers: { bob: person('Bob', 'low') },
    })
    expect(html).toContain('data-level="low"')
    expect(html).toContain('Low risk')
    expect(html).not.toContain('Bob')
    expect(html.match(/>Verify</g)).toHaveLength(1)
    expect(html).toContain('aria-label="Risk over the last minute"')
  })

  it('a group call lists each person by name with their own level, sparkline and Verify', async () => {
    const risk: RiskState = {
      ...IDLE_RISK,
      detector: true,
      status: available,
      peers: { bob: person('Bob Chen', 'low'), cy: { ...person('Cy', 'high'), verifying: true } },
    }
    const html = await render('en', risk)
    const rows = [...html.matchAll(/class="security-peer" data-peer="(\w+)" data-level="(\w+)"/g)]
    expect(rows.map((m) => [m[1], m[2]])).toEqual([
      ['bob', 'low'],
      ['cy', 'high'],
    ])
    // The panel as a whole is marked with the most worrying face.
    expect(html).toMatch(/<section class="security-panel"[^>]*data-level="high"/)
    expect(html).toContain('aria-label="Verify Bob Chen"')
    expect(html).toMatch(
      /aria-label="Verify Cy"[^>]*disabled=""|disabled=""[^>]*aria-label="Verify Cy"/,
    )
    expect(html).toContain('aria-label="Cy: risk over the last minute"')
    expect(html.match(/role="switch"/g)).toHaveLength(1)
    const zh = await render('zh-CN', risk)
    expect(zh).toContain('aria-label="核实 Bob Chen"')
    expect(zh).toContain('高风险')
  })
})

describe('frame sampler geometry', () => {
  it('scales to ≤ 640 px on the long side and never enlarges', () => {
    expect(fitWithin(1280, 720)).toEqual([640, 360])
    expect(fitWithin(480, 640)).toEqual([480, 640])
    expect(fitWithin(320, 240)).toEqual([320, 240])
  })
})
