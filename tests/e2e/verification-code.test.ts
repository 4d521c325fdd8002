/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reportSkip } from '../server/backends.js'
import type * as VerificationCode from '../../src/shared/verification-code.js'
import { CHROMIUM, chromiumAvailable, launchChromium } from './harness.js'

/**
 * The verification code with real WebRTC: two RTCPeerConnections in one Chromium page, the module
 * loaded as the renderer will load it. Both ends compute the same code from their own local and
 * remote descriptions, the fingerprint it reads is the certificate DTLS actually used, and an
 * offer whose fingerprint a relay rewrote (to a fresh certificate's) gives the two ends different
 * codes.
 */
const unavailable = chromiumAvailable() ? undefined : `${CHROMIUM} is not installed`
reportSkip('verification code in Chromium', unavailable)

type VerificationModule = typeof VerificationCode

const MODULE = new URL('../../src/shared/verification-code.ts', import.meta.url)

interface Ends {
  alice: string
  bob: string
  /** What DTLS used, from getStats: each end's own certificate fingerprint. */
  certificates: string[]
  /** What the module read from each end's local description. */
  localFingerprints: string[]
}

describe.skipIf(unavailable)('verification code between two real peer connections', () => {
  let server: Server
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    // The module as the page gets it: TypeScript stripped, nothing else (it imports nothing).
    const js = ts.transpileModule(readFileSync(MODULE, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText
    server = createServer((request, response) => {
      if (request.url === '/verification-code.js')
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(js)
      else
        response
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><title>t</title>')
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    browser = await launchChromium()
    page = await browser.newPage()
    await page.goto(`http://localhost:${(server.address() as AddressInfo).port}/`)
    // Loaded by the page itself (an ES module), not through the test runner's transform.
    await page.addScriptTag({
      type: 'module',
      content: "import * as m from '/verification-code.js'; globalThis.verification = m",
    })
    await page.waitForFunction(() => 'verification' in globalThis)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise((done) => server?.close(done))
  })

  /** Connects two peers in the page; `tamper` rewrites the offer on its way, as a relay could. */
  function call(tamper: boolean): Promise<Ends> {
    return page.evaluate(async (tamper) => {
      const code = (globalThis as unknown as { verification: VerificationModule }).verification
      const camera = await navigator.mediaDevices.getUserMedia({ video: true })
      const alice = new RTCPeerConnection()
      const bob = new RTCPeerConnection()
      const wire = (from: RTCPeerConnection, to: RTCPeerConnection): void =>
        from.addEventListener('icecandidate', (event) => {
          if (event.candidate) void to.addIceCandidate(event.candidate).catch(() => undefined)
        })
      wire(alice, bob)
      wire(bob, alice)
      for (const track of camera.getTracks()) alice.addTrack(track, camera)
      bob.addTransceiver('video', { direction: 'recvonly' })

      await alice.setLocalDescription()
      let offer = alice.localDescription?.sdp ?? ''
      if (tamper) {
        // A fresh certificate's fingerprint in place of Alice's, as a man in the middle would.
        const forged = await RTCPeerConnection.generateCertificate({
          name: 'ECDSA',
          namedCurve: 'P-256',
        } as EcKeyGenParams)
        const [fingerprint] = forged.getFingerprints()
        offer = offer.replace(
          /^a=fingerprint:.*$/gm,
          `a=fingerprint:${fingerprint?.algorithm} ${fingerprint?.value?.toUpperCase()}`,
        )
      }
      await bob.setRemoteDescription({ type: 'offer', sdp: offer })
      await bob.setLocalDescription()
      await alice.setRemoteDescription(bob.localDescription as RTCSessionDescriptionInit)

      const codes = {
        alice: await code.verificationCode(
          alice.localDescription?.sdp ?? '',
          alice.remoteDescription?.sdp ?? '',
        ),
        bob: await code.verificationCode(
          bob.localDescription?.sdp ?? '',
          bob.remoteDescription?.sdp ?? '',
        ),
      }
      // The honest call connects (DTLS verified each certificate against its fingerprint); the
      // tampered one can't, so its certificates are not compared.
      const certificates: string[] = []
      if (!tamper) {
        await Promise.all(
          [alice, bob].map(
            (pc) =>
              new Promise<void>((done, fail) => {
                const check = (): void => {
                  if (pc.connectionState === 'connected') done()
                  if (pc.connectionState === 'failed') fail(new Error('connection failed'))
                }
                pc.addEventListener('connectionstatechange', check)
                check()
              }),
          ),
        )
        for (const pc of [alice, bob]) {
          const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[]
          const byId = new Map(stats.map((s) => [s.id, s]))
          const transport = stats.find((s) => s.type === 'transport')
          const local = byId.get(transport?.localCertificateId)
          certificates.push(String(local?.fingerprint).toUpperCase())
        }
      }
      const localFingerprints = [alice, bob].map((pc) =>
        code
          .sdpFingerprints(pc.localDescription?.sdp ?? '')
          .map((f) => f.value)
          .join(','),
      )
      for (const track of camera.getTracks()) track.stop()
      alice.close()
      bob.close()
      return { ...codes, certificates, localFingerprints }
    }, tamper)
  }

  it('shows both ends the same code, derived from the certificates DTLS verified', async () => {
    const ends = await call(false)
    expect(ends.alice).toMatch(/^\d{3} \d{3}$/)
    expect(ends.bob).toBe(ends.alice)
    expect(ends.certificates).toEqual(ends.localFingerprints)
    expect(ends.certificates[0]).not.toBe(ends.certificates[1])
  }, 30_000)

  it('gives the two ends different codes when a relay rewrites the offer fingerprint', async () => {
    const ends = await call(true)
    expect(ends.alice).toMatch(/^\d{3} \d{3}$/)
    expect(ends.bob).toMatch(/^\d{3} \d{3}$/)
    expect(ends.bob).not.toBe(ends.alice)
  }, 30_000)
})
