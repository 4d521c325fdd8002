/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROUTES, type TurnCredentialsResponse } from 'veracall-signaling/protocol'
import { reportSkip } from '../server/backends.js'
import { startServer, type TestServer } from '../server/helper.js'
import { coturnUnavailable, startCoturn } from './coturn.js'
import { chromiumAvailable, CHROMIUM, launchChromium } from './harness.js'
import { TurnClient } from './turn-client.js'

/**
 * TURN end to end: two Chromium peers that may only use relayed candidates get their credentials
 * from the signaling server's endpoint and connect through a real coturn; a credential signed with
 * the wrong secret, or one that expired (the server's clock set in the past), is refused by coturn.
 */
const unavailable =
  coturnUnavailable ?? (chromiumAvailable() ? undefined : `${CHROMIUM} is not installed`)
reportSkip('TURN relay through coturn', unavailable)

/** What a page reports after gathering with `iceTransportPolicy: 'relay'`. */
interface Gathered {
  sdp: string
  candidateTypes: string[]
  /** `icecandidateerror` codes: 401 is coturn refusing the credential. */
  errorCodes: number[]
}

/** Installed in each page: fetch a credential, make a relay-only peer connection. */
async function preparePeer(page: Page, api: string, token: string): Promise<void> {
  await page.evaluate(
    async ({ api, token, path }) => {
      const response = await fetch(api + path, { headers: { authorization: `Bearer ${token}` } })
      if (!response.ok) throw new Error(`turn-credentials answered ${response.status}`)
      const { ice_servers } = (await response.json()) as { ice_servers: RTCIceServer[] }
      const pc = new RTCPeerConnection({ iceServers: ice_servers, iceTransportPolicy: 'relay' })
      const state = {
        pc,
        candidateTypes: [] as string[],
        errorCodes: [] as number[],
        gathered: new Promise<void>((done) => {
          pc.addEventListener('icegatheringstatechange', () => {
            if (pc.iceGatheringState === 'complete') done()
          })
        }),
      }
      pc.addEventListener('icecandidate', (event) => {
        if (event.candidate?.type) state.candidateTypes.push(event.candidate.type)
      })
      pc.addEventListener('icecandidateerror', (event) => {
        state.errorCodes.push((event as RTCPeerConnectionIceErrorEvent).errorCode)
      })
      const video = document.createElement('video')
      video.muted = true
      video.autoplay = true
      document.body.append(video)
      pc.addEventListener('track', (event) => {
        video.srcObject = event.streams[0] ?? new MediaStream([event.track])
      })
      const camera = await navigator.mediaDevices.getUserMedia({ video: true })
      for (const track of camera.getTracks()) pc.addTrack(track, camera)
      Object.assign(globalThis, { turnTest: state })
    },
    { api, token, path: ROUTES.turnCredentials },
  )
}

interface PeerState {
  pc: RTCPeerConnection
  candidateTypes: string[]
  errorCodes: number[]
  gathered: Promise<void>
}

/** Sets the remote description if given, makes the local one and waits for every candidate. */
function describeLocal(page: Page, remote?: RTCSessionDescriptionInit): Promise<Gathered> {
  return page.evaluate(async (remote) => {
    const state = (globalThis as unknown as { turnTest: PeerState }).turnTest
    if (remote) await state.pc.setRemoteDescription(remote)
    await state.pc.setLocalDescription()
    await state.gathered
    return {
      sdp: state.pc.localDescription?.sdp ?? '',
      candidateTypes: state.candidateTypes,
      errorCodes: state.errorCodes,
    }
  }, remote)
}

describe.skipIf(unavailable)('TURN relay through a real coturn', async () => {
  // A skipped suite's body still runs (to collect its tests): start nothing without the binaries.
  if (unavailable) return
  // Started first, so that its afterAll runs after the servers and the browser have stopped.
  const coturn = await startCoturn()
  afterAll(() => coturn.stop())
  // A plain page on http://localhost (a secure context, for the camera), which calls the
  // signaling server cross-origin as the web client does.
  const pageServer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>t</title>')
  })
  await new Promise<void>((done) => pageServer.listen(0, '127.0.0.1', done))
  afterAll(() => new Promise((done) => pageServer.close(done)))
  const origin = `http://localhost:${(pageServer.address() as AddressInfo).port}`
  let clockOffsetMs = 0
  const veracall = await startServer(
    {},
    { TURN_URLS: coturn.url, TURN_SECRET: coturn.secret, TURN_TTL_S: '600', CORS_ORIGINS: origin },
    { clock: () => Date.now() + clockOffsetMs },
  )
  // Same TURN server, another secret: every credential it signs is wrong for coturn.
  const wrongSecret = await startServer(
    {},
    { TURN_URLS: coturn.url, TURN_SECRET: `not-${coturn.secret}`, CORS_ORIGINS: origin },
  )
  let browser: Browser
  beforeAll(async () => {
    browser = await launchChromium()
  })
  afterAll(() => browser?.close())

  async function peerPage(api: string, token: string): Promise<Page> {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${origin}/`)
    await preparePeer(page, api, token)
    return page
  }

  /** A credential from a server's endpoint, fetched as a signed-in user. */
  async function credential(server: TestServer): Promise<{ username: string; credential: string }> {
    const user = await server.register()
    const { body } = await server.request<TurnCredentialsResponse>(
      'GET',
      ROUTES.turnCredentials,
      undefined,
      user.token,
    )
    const [ice] = body.ice_servers
    if (!ice) throw new Error('no ICE server in the answer')
    return ice
  }

  it('runs the hardened example config: its deny list, TCP-relay ban and bandwidth cap in force', () => {
    const log = coturn.log()
    for (const range of [
      '10.0.0.0-10.255.255.255',
      '127.0.0.0-127.255.255.255',
      '169.254.0.0-169.254.255.255',
      '172.16.0.0-172.31.255.255',
      '192.168.0.0-192.168.255.255',
      'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ])
      expect(log).toContain(`Black listing: ${range}`)
    // The test's one exception: the peers' relayed addresses are on 127.0.0.1 here.
    expect(log).toContain('White listing: 127.0.0.1')
    expect(log).toContain('TCP relay endpoints are not allowed')
    expect(log).toContain('500000 bytes per second allowed per session')
  })

  it('relays only to the addresses the config allows (CreatePermission 403 for private ranges)', async () => {
    const { username, credential: password } = await credential(veracall)
    const client = new TurnClient(coturn.port, username, password)
    try {
      expect(await client.allocate()).toBe(200)
      expect(await client.createPermission('127.0.0.1')).toBe(200)
      for (const ip of ['127.0.0.2', '10.1.2.3', '172.16.0.1', '192.168.1.10', '169.254.169.254'])
        expect(await client.createPermission(ip), ip).toBe(403)
      // Refusals are per address, not the end of the allocation.
      expect(await client.createPermission('127.0.0.1')).toBe(200)
    } finally {
      client.close()
    }
  })

  it('answers an Allocate with 401 for a wrong or an expired credential (STUN level)', async () => {
    const wrong = await credential(wrongSecret)
    clockOffsetMs = -3600_000
    const expired = await credential(veracall).finally(() => {
      clockOffsetMs = 0
    })
    for (const { username, credential: password } of [wrong, expired]) {
      const client = new TurnClient(coturn.port, username, password)
      try {
        expect(await client.allocate(), username).toBe(401)
      } finally {
        client.close()
      }
    }
  })

  it('connects two relay-only peers through coturn and plays video', async () => {
    const [alice, bob] = [await veracall.register(), await veracall.register()]
    const a = await peerPage(veracall.url, alice.token)
    const b = await peerPage(veracall.url, bob.token)
    const offer = await describeLocal(a)
    expect(offer.candidateTypes.length).toBeGreaterThan(0)
    expect(new Set(offer.candidateTypes)).toEqual(new Set(['relay']))
    const answer = await describeLocal(b, { type: 'offer', sdp: offer.sdp })
    expect(new Set(answer.candidateTypes)).toEqual(new Set(['relay']))
    await a.evaluate(async (sdp) => {
      const state = (globalThis as unknown as { turnTest: PeerState }).turnTest
      await state.pc.setRemoteDescription({ type: 'answer', sdp })
    }, answer.sdp)

    for (const page of [a, b]) {
      const played = await page.evaluate(async () => {
        const state = (globalThis as unknown as { turnTest: PeerState }).turnTest
        const video = document.querySelector('video') as HTMLVideoElement
        // Twenty frames presented from the remote track: media really flows.
        for (let frames = 0; frames < 20; frames++)
          await new Promise((done) => video.requestVideoFrameCallback(done))
        const stats = [...(await state.pc.getStats()).values()] as Record<string, unknown>[]
        const byId = new Map(stats.map((s) => [s.id, s]))
        const transport = stats.find((s) => s.type === 'transport')
        const pair = byId.get(transport?.selectedCandidatePairId)
        const inbound = stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'video')
        return {
          connection: state.pc.connectionState,
          local: byId.get(pair?.localCandidateId)?.candidateType,
          remote: byId.get(pair?.remoteCandidateId)?.candidateType,
          framesDecoded: Number(inbound?.framesDecoded ?? 0),
          width: video.videoWidth,
        }
      })
      expect(played).toMatchObject({ connection: 'connected', local: 'relay', remote: 'relay' })
      expect(played.framesDecoded).toBeGreaterThanOrEqual(20)
      expect(played.width).toBeGreaterThan(0)
    }
    await a.context().close()
    await b.context().close()
  }, 60_000)

  /** Gathers on its own with the credential `api` hands out: what coturn made of it. */
  async function gatherAlone(api: TestServer): Promise<Gathered> {
    const user = await api.register()
    const page = await peerPage(api.url, user.token)
    try {
      return await describeLocal(page)
    } finally {
      await page.context().close()
    }
  }

  it('refuses a credential signed with the wrong secret (401, no relay candidate)', async () => {
    const gathered = await gatherAlone(wrongSecret)
    expect(gathered.candidateTypes).toEqual([])
    expect(gathered.errorCodes).toContain(401)
  }, 60_000)

  it('refuses an expired credential: the server clock an hour behind, TURN_TTL_S 600', async () => {
    clockOffsetMs = -3600_000
    try {
      const gathered = await gatherAlone(veracall)
      expect(gathered.candidateTypes).toEqual([])
      expect(gathered.errorCodes).toContain(401)
    } finally {
      clockOffsetMs = 0
    }
    // The same server, back on time, is accepted again: only the expiry made the difference.
    const fresh = await gatherAlone(veracall)
    expect(fresh.candidateTypes).toContain('relay')
    expect(fresh.errorCodes).toEqual([])
  }, 60_000)
})
