import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startWebBridge } from '../../../src/main/detector/web-bridge.js'
import type { WebBridge } from '../../../src/main/detector/web-bridge.js'
import type { MinimalSocket } from '../../../src/renderer/src/detection/web-detection-port.js'
import { createWebDetectionPort } from '../../../src/renderer/src/detection/web-detection-port.js'
import type { RiskUpdate } from '../../../src/shared/detection.js'
import { demoFrame } from './photos.js'

const MODEL = path.resolve('tests/fixtures/detector/tiny-logit1')

describe('web detector bridge', () => {
  let bridge: WebBridge
  beforeAll(async () => {
    bridge = await startWebBridge({ modelDir: MODEL, analysisRate: 5, cpuBudget: 1 })
  })
  afterAll(async () => {
    await bridge.close()
  })

  const open = (origin?: string) =>
    createWebDetectionPort(
      bridge.url,
      (u) => new WebSocket(u, origin ? { origin } : {}) as unknown as MinimalSocket,
    )

  it('binds loopback and serves the web build’s DetectionPort end to end', async () => {
    expect(bridge.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/detector$/)
    const port = open('http://localhost:5173')
    try {
      expect(await port.status()).toMatchObject({ available: true })
      const updates: RiskUpdate[] = []
      const got = new Promise<void>((resolve) =>
        port.onRisk((u) => {
          updates.push(u)
          if (u.score !== null) resolve()
        }),
      )
      await port.startSession(9)
      await port.submitFrame(await demoFrame(9, 'sample3.jpg'))
      await got
      expect(
        updates.some((u) => u.callId === 9 && u.level === 'analysing' && u.score !== null),
      ).toBe(true)
      const report = await port.endSession(9)
      expect(report?.callId).toBe(9)
    } finally {
      port.close()
    }
  })

  it('keeps each connection’s sessions apart when two pages use the same call id', async () => {
    const [a, b] = [open('http://localhost:5173'), open('http://localhost:5173')]
    try {
      const seen = { a: [] as RiskUpdate[], b: [] as RiskUpdate[] }
      const scoredA = new Promise<void>((resolve) =>
        a.onRisk((u) => {
          seen.a.push(u)
          if (u.score !== null) resolve()
        }),
      )
      b.onRisk((u) => seen.b.push(u))
      await a.startSession(1)
      await b.startSession(1)
      await a.submitFrame(await demoFrame(1, 'sample3.jpg'))
      await scoredA
      // Only A sent a face: B's page never hears of it, and each gets its own report.
      expect(seen.a.every((u) => u.callId === 1)).toBe(true)
      expect(seen.b.some((u) => u.score !== null)).toBe(false)
      const reportA = await a.endSession(1)
      const reportB = await b.endSession(1)
      expect(reportA?.callId).toBe(1)
      expect(reportB?.callId).toBe(1)
      expect(reportA?.peakScore).not.toBeNull()
      expect(reportB?.peakScore).toBeNull()
      // A session that has ended gives no second report.
      expect(await a.endSession(1)).toBeNull()
    } finally {
      a.close()
      b.close()
    }
  })

  it('runs a group call’s faces as separate sessions of one page (renderer-numbered)', async () => {
    const port = open('http://localhost:5173')
    // Session numbers as the renderer allocates them (clock-seeded), one per remote face.
    const [bob, cy] = [Date.now(), Date.now() + 1]
    try {
      const seen: RiskUpdate[] = []
      const scored = new Promise<void>((resolve) =>
        port.onRisk((u) => {
          seen.push(u)
          if (u.score !== null) resolve()
        }),
      )
      await port.startSession(bob)
      await port.startSession(cy)
      await port.submitFrame(await demoFrame(bob, 'sample3.jpg'))
      await scored
      // Bob's frame scored Bob's session only; each face gets its own report.
      expect(seen.filter((u) => u.score !== null).every((u) => u.callId === bob)).toBe(true)
      const [reportCy, reportBob] = [await port.endSession(cy), await port.endSession(bob)]
      expect(reportBob).toMatchObject({ callId: bob })
      expect(reportBob?.peakScore).not.toBeNull()
      expect(reportCy).toMatchObject({ callId: cy, peakScore: null })
    } finally {
      port.close()
    }
  })

  it('refuses pages from other origins', async () => {
    const port = open('https://evil.example')
    try {
      const st = await port.status()
      expect(st.available).toBe(false)
      expect(st.reason).toMatch(/unreachable/)
    } finally {
      port.close()
    }
  })
})
