import { describe, expect, it } from 'vitest'
import {
  Negotiator,
  type Candidate,
  type Description,
} from '../../../src/renderer/src/call/negotiation.js'
import { FakePeerConnection, FakeTrack, settle } from '../fakes/fake-peer.js'

type Wire = { description: Description } | { candidate: Candidate }

/** Two negotiators wired back to back, each message delivered after `delay()` ms. */
function pair(delay: () => number = () => 0, options: { awaitFirstOffer?: boolean } = {}) {
  const pcs = {
    polite: new FakePeerConnection('polite'),
    impolite: new FakePeerConnection('impolite'),
  }
  const logs: string[] = []
  const errors: string[] = []
  const make = (self: 'polite' | 'impolite', other: () => Negotiator): Negotiator => {
    const deliver = (m: Wire): void => {
      setTimeout(() => void other().receive(m), delay())
    }
    return new Negotiator(pcs[self] as unknown as RTCPeerConnection, {
      polite: self === 'polite',
      awaitFirstOffer: self === 'polite' && options.awaitFirstOffer,
      log: (m) => logs.push(m),
      onError: (e) => errors.push(`${self}:${e.code}:${e.message}`),
      signals: {
        sendDescription: (description) => deliver({ description }),
        sendCandidate: (candidate) => deliver({ candidate }),
      },
    })
  }
  const n: { polite?: Negotiator; impolite?: Negotiator } = {}
  n.polite = make('polite', () => n.impolite as Negotiator)
  n.impolite = make('impolite', () => n.polite as Negotiator)
  return { pcs, n: n as Required<typeof n>, logs, errors }
}

describe('perfect negotiation', () => {
  it('converges when both sides offer at the same time (glare)', async () => {
    const { pcs, n, errors, logs } = pair()
    pcs.polite.addTrack(new FakeTrack('audio'))
    pcs.impolite.addTrack(new FakeTrack('audio'))
    await settle()
    expect(errors).toEqual([])
    expect(pcs.polite.signalingState).toBe('stable')
    expect(pcs.impolite.signalingState).toBe('stable')
    // The impolite side ignored the colliding offer; the polite side rolled back and answered.
    expect(n.impolite.ignoredOffers).toBe(1)
    expect(n.polite.ignoredOffers).toBe(0)
    expect(pcs.polite.remoteDescription?.sdp).toMatch(/^impolite-offer-/)
    expect(pcs.impolite.remoteDescription).toEqual({ type: 'answer', sdp: 'polite-answer' })
    expect(pcs.polite.connectionState).toBe('connected')
    expect(pcs.impolite.connectionState).toBe('connected')
    expect(logs.some((l) => l.startsWith('[impolite] ignoring colliding offer'))).toBe(true)
  })

  it('converges for any interleaving of message delays', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      let x = seed
      const random = (): number => {
        x = (x * 48271) % 2147483647
        return x / 2147483647
      }
      const { pcs, errors } = pair(() => Math.floor(random() * 4))
      // Either or both sides start; sometimes one side adds a second track later.
      if (seed % 3 !== 1) pcs.polite.addTrack(new FakeTrack('audio'))
      if (seed % 3 !== 2) pcs.impolite.addTrack(new FakeTrack('video'))
      if (seed % 4 === 0) setTimeout(() => pcs.polite.addTrack(new FakeTrack('video')), 1)
      await settle(60)
      expect(errors, `seed ${seed}`).toEqual([])
      expect([pcs.polite.signalingState, pcs.impolite.signalingState], `seed ${seed}`).toEqual([
        'stable',
        'stable',
      ])
      expect(pcs.polite.remoteDescription, `seed ${seed}`).not.toBeNull()
      expect(pcs.impolite.remoteDescription, `seed ${seed}`).not.toBeNull()
    }
  })

  it('with awaitFirstOffer, the polite side answers first and offers only afterwards', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      let x = seed
      const random = (): number => {
        x = (x * 48271) % 2147483647
        return x / 2147483647
      }
      const { pcs, n, errors } = pair(() => Math.floor(random() * 4), { awaitFirstOffer: true })
      const offered: string[] = []
      for (const side of ['polite', 'impolite'] as const) {
        pcs[side].addEventListener('negotiationneeded', () => undefined)
        const setLocal = pcs[side].setLocalDescription.bind(pcs[side])
        pcs[side].setLocalDescription = (d) => {
          if (pcs[side].signalingState === 'stable') offered.push(side)
          return setLocal(d)
        }
      }
      // The polite side has its track first, even before the other side starts.
      pcs.polite.addTrack(new FakeTrack('audio'))
      await settle(seed % 3)
      pcs.impolite.addTrack(new FakeTrack('audio'))
      await settle(60)
      expect(errors, `seed ${seed}`).toEqual([])
      expect(offered, `seed ${seed}`).toEqual(['impolite'])
      expect(n.impolite.ignoredOffers, `seed ${seed}`).toBe(0)
      expect([pcs.polite.signalingState, pcs.impolite.signalingState], `seed ${seed}`).toEqual([
        'stable',
        'stable',
      ])
      // Later the polite side renegotiates like any peer.
      pcs.polite.addTrack(new FakeTrack('video'))
      await settle(60)
      expect(offered, `seed ${seed}`).toEqual(['impolite', 'polite'])
      expect(errors, `seed ${seed}`).toEqual([])
      expect(pcs.impolite.remoteDescription?.sdp, `seed ${seed}`).toBe('polite-offer-1')
    }
  })

  it('queues ICE candidates that arrive before any remote description', async () => {
    const pc = new FakePeerConnection('callee')
    const sent: Description[] = []
    const errors: string[] = []
    const neg = new Negotiator(pc as unknown as RTCPeerConnection, {
      polite: true,
      onError: (e) => errors.push(e.code),
      signals: { sendDescription: (d) => sent.push(d), sendCandidate: () => undefined },
    })
    await neg.receive({ candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host' } })
    await neg.receive({ candidate: { candidate: 'candidate:2 1 udp 1 127.0.0.1 5001 typ host' } })
    expect(neg.queuedCandidates).toBe(2)
    expect(pc.addedCandidates).toEqual([])
    await neg.receive({ description: { type: 'offer', sdp: 'caller-offer-1' } })
    expect(neg.queuedCandidates).toBe(0)
    expect(pc.addedCandidates.map((c) => c.candidate)).toEqual([
      'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
      'candidate:2 1 udp 1 127.0.0.1 5001 typ host',
    ])
    expect(sent).toEqual([{ type: 'answer', sdp: 'callee-answer' }])
    expect(errors).toEqual([])
  })

  it('sends local candidates and stops after close', async () => {
    const pc = new FakePeerConnection('a')
    const candidates: Candidate[] = []
    const neg = new Negotiator(pc as unknown as RTCPeerConnection, {
      polite: false,
      signals: { sendDescription: () => undefined, sendCandidate: (c) => candidates.push(c) },
    })
    pc.emitCandidate('candidate:1')
    neg.close()
    pc.emitCandidate('candidate:2')
    expect(candidates.map((c) => c.candidate)).toEqual(['candidate:1'])
  })

  it('drops a late answer that no longer matches an offer, with no error', async () => {
    const pc = new FakePeerConnection('a')
    const errors: string[] = []
    const neg = new Negotiator(pc as unknown as RTCPeerConnection, {
      polite: true,
      onError: (e) => errors.push(e.code),
      signals: { sendDescription: () => undefined, sendCandidate: () => undefined },
    })
    await neg.receive({ description: { type: 'answer', sdp: 'stray' } })
    expect(pc.signalingState).toBe('stable')
    expect(pc.remoteDescription).toBeNull()
    expect(errors).toEqual([])
  })
})
