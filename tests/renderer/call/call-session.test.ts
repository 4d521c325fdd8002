import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Envelope } from 'veracall-signaling/protocol'
import { CallSession, type RoomTransport } from '../../../src/renderer/src/call/call-session.js'
import { heldTransport } from '../../../src/renderer/src/call/held-transport.js'
import { GROUP_SEND_SCALE } from '../../../src/renderer/src/call/first-frame.js'
import { PeerMesh } from '../../../src/renderer/src/call/peer-mesh.js'
import { FakePeerConnection, FakeStream, FakeTrack, settle } from '../fakes/fake-peer.js'

const ROOM = 'room_abcdefgh'
const CALLER = '00000000-0000-4000-8000-00000000000a'
const CALLEE = '00000000-0000-4000-8000-00000000000b'

/** A room like the server's: relays to the other member only, announces joins both ways. */
class FakeRoom {
  private members = new Map<string, (m: Envelope) => void>()
  readonly relayed: { from: string; type: string; data: unknown; to?: string }[] = []
  dropped = 0

  /** Every socket drops at once: the server has nobody left to tell, so no peer_left is sent. */
  dropAll(): void {
    this.members.clear()
  }

  transport(userId: string): RoomTransport & { join(): void; leave(): void } {
    return FakeRoom.member(this, userId)
  }

  private static member(
    room: FakeRoom,
    userId: string,
  ): RoomTransport & { join(): void; leave(): void } {
    // Several sessions may share one member's socket (a group call: one per remote member).
    const listeners = new Set<(m: Envelope) => void>()
    return {
      send(type, data, to) {
        room.relayed.push({ from: userId, type, data, ...(to ? { to } : {}) })
        // With `to`, only that member (a group call's addressed message); else every other one.
        const others = [...room.members].filter(([id]) => id !== userId && (!to || id === to))
        if (others.length === 0) room.dropped += 1
        for (const [, deliver] of others) {
          const envelope = { type, call_id: ROOM, user_id: userId, data, timestamp: 0 }
          setTimeout(() => deliver(to ? { ...envelope, to } : envelope), 0)
        }
      },
      onMessage(l) {
        listeners.add(l)
        return () => listeners.delete(l)
      },
      join() {
        const deliver = (m: Envelope): void => {
          for (const l of listeners) l(m)
        }
        const present = [...room.members]
        room.members.set(userId, deliver)
        for (const [id, other] of present) {
          other({
            type: 'peer_joined',
            call_id: ROOM,
            user_id: userId,
            data: { user_id: userId },
            timestamp: 0,
          })
          deliver({
            type: 'peer_joined',
            call_id: ROOM,
            user_id: id,
            data: { user_id: id },
            timestamp: 0,
          })
        }
      },
      leave() {
        room.members.delete(userId)
        for (const [, other] of room.members) {
          other({
            type: 'peer_left',
            call_id: ROOM,
            user_id: userId,
            data: { user_id: userId },
            timestamp: 0,
          })
        }
      },
    }
  }
}

function makeSession(
  room: FakeRoom,
  userId: string,
  polite: boolean,
  tracks: FakeTrack[] = [new FakeTrack('audio'), new FakeTrack('video')],
  /** The devices are still opening: the session starts with no tracks, expecting these kinds. */
  pendingMedia?: ('audio' | 'video')[],
) {
  const transport = room.transport(userId)
  const stream = new FakeStream(pendingMedia ? [] : tracks)
  let pc: FakePeerConnection | null = null
  const session = new CallSession({
    selfId: userId,
    polite,
    iceServers: [],
    transport,
    localStream: stream as unknown as MediaStream,
    pendingMedia,
    disconnectedRestartMs: 20,
    fullResolutionAfterMs: 20,
    createPeerConnection: (config) => {
      pc = new FakePeerConnection(polite ? 'callee' : 'caller', config)
      pc.remoteOfferKinds = ['audio', 'video']
      return pc as unknown as RTCPeerConnection
    },
  })
  const events: { type: string; value: unknown }[] = []
  for (const type of [
    'connectionState',
    'remoteMedia',
    'peerPresent',
    'iceRestart',
    'error',
  ] as const) {
    session.on(type, (value) => events.push({ type, value }))
  }
  return { session, transport, stream, pc: pc as unknown as FakePeerConnection, events }
}

/** Caller and callee both in the room with negotiation settled: the start of most call tests. */
async function connectedPair() {
  const room = new FakeRoom()
  const a = makeSession(room, CALLER, false)
  const b = makeSession(room, CALLEE, true)
  a.transport.join()
  b.transport.join()
  a.session.start()
  b.session.start()
  await settle(60)
  return { room, a, b }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('CallSession', () => {
  it('holds its offer until the callee joins, then both sides connect', async () => {
    const room = new FakeRoom()
    const caller = makeSession(room, CALLER, false)
    caller.transport.join()
    caller.session.start()
    await settle()
    // Nobody to talk to yet: nothing was sent into the void.
    expect(room.relayed).toEqual([])
    expect(caller.pc.signalingState).toBe('have-local-offer')

    const callee = makeSession(room, CALLEE, true)
    callee.transport.join()
    callee.session.start()
    await settle(60)
    expect(room.dropped).toBe(0)
    // The held offer went out once, not again on peer_joined.
    const offers = room.relayed
      .filter((m) => m.from === CALLER && m.type === 'offer')
      .map((m) => (m.data as { sdp: string }).sdp)
    expect(new Set(offers).size).toBe(offers.length)
    expect(caller.pc.signalingState).toBe('stable')
    expect(callee.pc.signalingState).toBe('stable')
    expect(caller.events).toContainEqual({ type: 'connectionState', value: 'connected' })
    expect(callee.events).toContainEqual({ type: 'connectionState', value: 'connected' })
    expect(caller.events.filter((e) => e.type === 'error')).toEqual([])
    expect(callee.events.filter((e) => e.type === 'error')).toEqual([])
    // Each side told the other its media state when the peer arrived.
    expect(callee.events).toContainEqual({
      type: 'remoteMedia',
      value: { audio: true, video: true },
    })
    expect(caller.pc.config.iceServers).toEqual([])
  })

  it("the callee answers the caller's offer and makes none of its own: no glare to roll back", async () => {
    const room = new FakeRoom()
    const caller = makeSession(room, CALLER, false)
    caller.transport.join()
    caller.session.start()
    await settle()
    const callee = makeSession(room, CALLEE, true)
    // What the callee's connection did, in the signaling state each call found it in.
    const calleeLocal: RTCSignalingState[] = []
    const setLocal = callee.pc.setLocalDescription.bind(callee.pc)
    callee.pc.setLocalDescription = (d) => {
      calleeLocal.push(callee.pc.signalingState)
      return setLocal(d)
    }
    // The callee has its tracks before the caller's held offer reaches it (the race that made it
    // offer too, and roll back, in every instrumented call).
    callee.transport.join()
    callee.session.start()
    await settle(60)
    expect(room.relayed.filter((m) => m.from === CALLEE && m.type === 'offer')).toEqual([])
    // Only answers (the fake may renegotiate the caller's second track: answered too).
    expect([...new Set(calleeLocal)]).toEqual(['have-remote-offer'])
    expect([
      ...new Set(room.relayed.filter((m) => m.type === 'answer').map((m) => m.from)),
    ]).toEqual([CALLEE])
    expect([caller.pc.signalingState, callee.pc.signalingState]).toEqual(['stable', 'stable'])
    expect(callee.pc.connectionState).toBe('connected')
    expect([...caller.events, ...callee.events].filter((e) => e.type === 'error')).toEqual([])
  })

  it('lets the callee renegotiate once the first offer is answered (an ICE restart)', async () => {
    const { room, a, b } = await connectedPair()
    const before = room.relayed.length
    b.pc.setConnectionState('failed')
    await settle(60)
    const after = room.relayed.slice(before)
    expect(after.filter((m) => m.type === 'offer').map((m) => m.from)).toEqual([CALLEE])
    expect(after.filter((m) => m.type === 'answer').map((m) => m.from)).toEqual([CALLER])
    expect([a.pc.signalingState, b.pc.signalingState]).toEqual(['stable', 'stable'])
    expect([...a.events, ...b.events].filter((e) => e.type === 'error')).toEqual([])
  })

  it('relays mute and camera-off as media_state, and stops the camera track', async () => {
    const { room, a, b } = await connectedPair()
    a.session.setMicrophoneEnabled(false)
    expect(a.stream.getAudioTracks()[0]?.enabled).toBe(false)
    await settle()
    expect(b.events.at(-1)).toEqual({ type: 'remoteMedia', value: { audio: false, video: true } })

    const camera = b.stream.getVideoTracks()[0] as FakeTrack
    await b.session.replaceTrack('video', null)
    expect(camera.readyState).toBe('ended')
    expect(b.stream.getVideoTracks()).toEqual([])
    expect(b.pc.senders.find((s) => s.track === camera)).toBeUndefined()
    await settle()
    expect(a.events.at(-1)).toEqual({ type: 'remoteMedia', value: { audio: true, video: false } })

    // Camera back on with a new device: replaceTrack, no new offer.
    const offersBefore = room.relayed.filter((m) => m.type === 'offer').length
    const next = new FakeTrack('video')
    await b.session.replaceTrack('video', next as unknown as MediaStreamTrack)
    await settle()
    expect(b.stream.getVideoTracks()).toEqual([next])
    expect(room.relayed.filter((m) => m.type === 'offer').length).toBe(offersBefore)
    expect(a.events.at(-1)).toEqual({ type: 'remoteMedia', value: { audio: true, video: true } })
  })

  it('announces a screen share in media_state (screen left out when not sharing), no new offer', async () => {
    const { room, a, b } = await connectedPair()
    const offersBefore = room.relayed.filter((m) => m.type === 'offer').length
    b.session.setScreenSharing(true)
    const screen = new FakeTrack('video')
    await b.session.replaceTrack('video', screen as unknown as MediaStreamTrack)
    await settle()
    expect(b.session.mediaState).toEqual({ audio: true, video: true, screen: true })
    expect(a.events.at(-1)).toEqual({
      type: 'remoteMedia',
      value: { audio: true, video: true, screen: true },
    })
    b.session.setScreenSharing(false)
    await settle()
    const last = room.relayed.filter((m) => m.type === 'media_state').at(-1)
    expect(last?.data).toEqual({ audio: true, video: true })
    expect(a.events.at(-1)).toEqual({ type: 'remoteMedia', value: { audio: true, video: true } })
    expect(room.relayed.filter((m) => m.type === 'offer').length).toBe(offersBefore)
    // A malformed flag from the other side is ignored, not half-applied.
    const seen = a.events.length
    b.transport.send('media_state', { audio: true, video: true, screen: 'yes' } as never)
    await settle()
    expect(a.events.length).toBe(seen)
  })

  it('restarts ICE when the connection fails or stays disconnected', async () => {
    const room = new FakeRoom()
    const a = makeSession(room, CALLER, false)
    a.transport.join()
    a.pc.setConnectionState('failed')
    expect(a.pc.restartIceCalls).toBe(1)
    a.pc.setConnectionState('disconnected')
    await new Promise((r) => setTimeout(r, 40))
    expect(a.pc.restartIceCalls).toBe(2)
    // A brief disconnection that recovers does not restart.
    a.pc.setConnectionState('disconnected')
    a.pc.setConnectionState('connected')
    await new Promise((r) => setTimeout(r, 40))
    expect(a.pc.restartIceCalls).toBe(2)
    expect(a.events.filter((e) => e.type === 'iceRestart').map((e) => e.value)).toEqual([1, 2])
  })

  it('restarts ICE when the peer re-joins after a drop and media had failed', async () => {
    const { a, b } = await connectedPair()
    b.transport.leave()
    expect(a.events.at(-1)).toEqual({ type: 'peerPresent', value: false })
    a.pc.connectionState = 'failed'
    b.transport.join()
    expect(a.pc.restartIceCalls).toBe(1)
  })

  it('re-sends an ICE-restart offer lost while both room sockets were down', async () => {
    const { room, a, b } = await connectedPair()
    room.dropAll()
    // Neither side saw peer_left: the restart offers go into the empty room.
    const dropped = room.dropped
    a.pc.setConnectionState('failed')
    b.pc.setConnectionState('failed')
    await settle()
    expect(room.dropped).toBeGreaterThan(dropped)
    expect(a.pc.signalingState).toBe('have-local-offer')
    const offersBefore = room.relayed.filter((m) => m.from === CALLER && m.type === 'offer').length
    a.transport.join()
    b.transport.join()
    await settle(60)
    expect(
      room.relayed.filter((m) => m.from === CALLER && m.type === 'offer').length,
    ).toBeGreaterThan(offersBefore)
    expect(a.pc.signalingState).toBe('stable')
    expect(b.pc.signalingState).toBe('stable')
    expect(a.pc.connectionState).toBe('connected')
    expect([...a.events, ...b.events].filter((e) => e.type === 'error')).toEqual([])
  })

  it('stops every track and closes the connection on close, once', () => {
    const room = new FakeRoom()
    const a = makeSession(room, CALLER, false)
    a.session.start()
    const tracks = a.stream.getTracks()
    a.session.close()
    a.session.close()
    expect(tracks.every((t) => t.readyState === 'ended')).toBe(true)
    expect(a.pc.closed).toBe(true)
    expect(a.session.isClosed).toBe(true)
  })

  it('starts a 720p camera at half resolution and returns to full once connected', async () => {
    const room = new FakeRoom()
    const small = new FakeTrack('video', 360)
    const a = makeSession(room, CALLER, false, [new FakeTrack('audio'), new FakeTrack('video')])
    const b = makeSession(room, CALLEE, true, [new FakeTrack('audio'), small])
    const scales = (pc: FakePeerConnection) =>
      pc.getSenders().map((s) => s.getParameters().encodings[0]?.scaleResolutionDownBy ?? 1)
    a.session.start()
    b.session.start()
    await settle()
    // Before any offer: the caller's camera starts scaled; audio and a 360p camera do not.
    expect(scales(a.pc)).toEqual([1, 2])
    expect(scales(b.pc)).toEqual([1, 1])
    a.transport.join()
    b.transport.join()
    await settle(60)
    expect(a.pc.connectionState).toBe('connected')
    await new Promise((r) => setTimeout(r, 40))
    expect(scales(a.pc)).toEqual([1, 1])
  })

  it('in a group call sends a large camera at GROUP_SEND_SCALE for good, a 360p one at full', async () => {
    const room = new FakeRoom()
    const a = makeSession(room, CALLER, false, [new FakeTrack('audio'), new FakeTrack('video')])
    const b = makeSession(room, CALLEE, true, [new FakeTrack('audio'), new FakeTrack('video', 360)])
    const scales = (pc: FakePeerConnection) =>
      pc.getSenders().map((s) => s.getParameters().encodings[0]?.scaleResolutionDownBy ?? 1)
    a.session.setSendScale(GROUP_SEND_SCALE)
    b.session.setSendScale(GROUP_SEND_SCALE)
    a.session.start()
    b.session.start()
    a.transport.join()
    b.transport.join()
    await settle(60)
    expect(a.pc.connectionState).toBe('connected')
    // Past the moment full resolution returns in a 1:1 call.
    await new Promise((r) => setTimeout(r, 40))
    expect(scales(a.pc)).toEqual([1, GROUP_SEND_SCALE])
    expect(scales(b.pc)).toEqual([1, 1])
    // A 1:1 call that becomes a group one scales its camera at once, and back.
    a.session.setSendScale(1)
    await settle()
    expect(scales(a.pc)).toEqual([1, 1])
    a.session.setSendScale(GROUP_SEND_SCALE)
    await settle()
    expect(scales(a.pc)).toEqual([1, GROUP_SEND_SCALE])
    // A camera switched to a small one is not scaled below 360p.
    await a.session.replaceTrack(
      'video',
      new FakeTrack('video', 360) as unknown as MediaStreamTrack,
    )
    await settle()
    expect(scales(a.pc)).toEqual([1, 1])
  })

  it('a caller whose devices are still opening offers at once; its tracks go on with no second offer', async () => {
    const room = new FakeRoom()
    const a = makeSession(room, CALLER, false, [], ['audio', 'video'])
    const b = makeSession(room, CALLEE, true)
    a.session.start()
    await settle()
    // The offer and its candidates exist before any track (and before the room is joined).
    expect(a.pc.localDescription?.type).toBe('offer')
    expect(a.pc.getSenders().map((s) => [s.track, s.streams?.length])).toEqual([
      [null, 1],
      [null, 1],
    ])
    a.transport.join()
    b.transport.join()
    b.session.start()
    await settle(60)
    expect(a.pc.connectionState).toBe('connected')
    const offers = (): number => room.relayed.filter((m) => m.type === 'offer').length
    const before = offers()
    const tracks = [new FakeTrack('audio'), new FakeTrack('video')]
    await a.session.attachStream(new FakeStream(tracks) as unknown as MediaStream)
    await settle(60)
    expect(a.pc.getSenders().map((s) => s.track)).toEqual(tracks)
    expect(a.session.localStream.getTracks()).toEqual(tracks)
    expect(offers()).toBe(before)
    expect(room.relayed.filter((m) => m.from === CALLEE && m.type === 'offer')).toEqual([])
    expect([...a.events, ...b.events].filter((e) => e.type === 'error')).toEqual([])
  })

  it('a callee whose devices are still opening answers send-receive; its tracks go on with no offer', async () => {
    const room = new FakeRoom()
    const a = makeSession(room, CALLER, false)
    const b = makeSession(room, CALLEE, true, [], ['audio', 'video'])
    a.transport.join()
    b.transport.join()
    a.session.start()
    b.session.start()
    await settle(60)
    // Answered before any camera: the offer's transceivers send-receive, sharing one stream.
    expect(b.pc.localDescription?.type).toBe('answer')
    expect(b.pc.getTransceivers().map((t) => [t.direction, t.sender.streams?.length])).toEqual([
      ['sendrecv', 1],
      ['sendrecv', 1],
    ])
    const tracks = [new FakeTrack('audio'), new FakeTrack('video')]
    await b.session.attachStream(new FakeStream(tracks) as unknown as MediaStream)
    await settle(60)
    expect(b.pc.getSenders().map((s) => s.track)).toEqual(tracks)
    expect(room.relayed.filter((m) => m.from === CALLEE && m.type === 'offer')).toEqual([])
    // The camera started scaled, as one added before the offer would have.
    expect(b.pc.getSenders()[1]?.getParameters().encodings[0]?.scaleResolutionDownBy).toBe(2)
    expect([...a.events, ...b.events].filter((e) => e.type === 'error')).toEqual([])
  })

  it('a callee whose camera opens before the offer comes adds its tracks as usual', async () => {
    const room = new FakeRoom()
    const a = makeSession(room, CALLER, false)
    const b = makeSession(room, CALLEE, true, [], ['audio', 'video'])
    b.session.start()
    const tracks = [new FakeTrack('audio'), new FakeTrack('video')]
    await b.session.attachStream(new FakeStream(tracks) as unknown as MediaStream)
    expect(b.pc.getSenders().map((s) => s.track)).toEqual(tracks)
    a.transport.join()
    b.transport.join()
    a.session.start()
    await settle(60)
    expect(b.pc.localDescription?.type).toBe('answer')
    expect(b.pc.recvOnly).toEqual([])
    expect(room.relayed.filter((m) => m.from === CALLEE && m.type === 'offer')).toEqual([])
    expect(b.pc.connectionState).toBe('connected')
  })

  it('stops tracks attached after the session closed', async () => {
    const room = new FakeRoom()
    const a = makeSession(room, CALLER, false, [], ['audio', 'video'])
    a.session.start()
    a.session.close()
    const tracks = [new FakeTrack('audio'), new FakeTrack('video')]
    await a.session.attachStream(new FakeStream(tracks) as unknown as MediaStream)
    expect(tracks.map((t) => t.readyState)).toEqual(['ended', 'ended'])
  })

  it('ignores malformed room messages', async () => {
    const room = new FakeRoom()
    const a = makeSession(room, CALLER, false)
    const bogus = room.transport(CALLEE)
    a.transport.join()
    bogus.join()
    bogus.send('media_state', { audio: 'loud' } as never)
    bogus.send('offer', { nope: 1 } as never)
    await settle()
    expect(a.events.filter((e) => e.type === 'remoteMedia' || e.type === 'error')).toEqual([])
  })
})

/** A session whose every connection (the first and any rebuilt one) has its own fingerprint. */
function sessionWithCertificates(
  room: FakeRoom,
  userId: string,
  polite: boolean,
  options: { rejoin?: boolean; tag: string },
) {
  const transport = room.transport(userId)
  const pcs: FakePeerConnection[] = []
  const session = new CallSession({
    selfId: userId,
    polite,
    rejoin: options.rejoin,
    iceServers: [],
    transport,
    localStream: new FakeStream([
      new FakeTrack('audio'),
      new FakeTrack('video'),
    ]) as unknown as MediaStream,
    disconnectedRestartMs: 20,
    createPeerConnection: (config) => {
      const pc = new FakePeerConnection(polite ? 'callee' : 'caller', config)
      pc.fingerprint = `${options.tag}${pcs.length + 1}`
      pcs.push(pc)
      return pc as unknown as RTCPeerConnection
    },
  })
  const events: { type: string; value: unknown }[] = []
  for (const type of ['connectionState', 'peerReset', 'error'] as const) {
    session.on(type, (value) => events.push({ type, value }))
  }
  return { session, transport, pcs, events }
}

describe('CallSession across a reloaded app', () => {
  it('the app that rejoins offers from a fresh connection; the other rebuilds its own for it', async () => {
    const room = new FakeRoom()
    const a = sessionWithCertificates(room, CALLER, false, { tag: 'A' })
    const b = sessionWithCertificates(room, CALLEE, true, { tag: 'B' })
    a.transport.join()
    b.transport.join()
    a.session.start()
    b.session.start()
    await settle(60)
    expect(a.pcs[0]?.connectionState).toBe('connected')

    // Bob reloads: his app and its connection are gone; Alice's path fails and her ICE-restart
    // offer waits for him.
    b.transport.leave()
    b.session.close()
    a.pcs[0]?.setConnectionState('failed')
    await settle()
    expect(a.pcs[0]?.signalingState).toBe('have-local-offer')

    // Bob's reopened app rejoins the call with a new connection (a new certificate).
    const b2 = sessionWithCertificates(room, CALLEE, true, { rejoin: true, tag: 'C' })
    b2.transport.join()
    b2.session.start()
    await settle(80)
    // Alice's old offer reached the new connection first: it was ignored, not answered.
    const bobAnswers = room.relayed.filter((m) => m.from === CALLEE && m.type === 'answer')
    expect(bobAnswers.filter((m) => (m.data as { sdp: string }).sdp.includes('C1'))).toEqual([])
    // Bob's offer carried a new certificate: Alice's session closed its connection and answered
    // from a fresh one, keeping her local tracks live.
    expect(a.pcs).toHaveLength(2)
    expect(a.pcs[0]?.closed).toBe(true)
    expect(a.session.pc).toBe(a.pcs[1])
    expect(a.session.localStream.getTracks().every((t) => t.readyState === 'live')).toBe(true)
    expect(a.events).toContainEqual({ type: 'peerReset', value: 1 })
    expect([a.pcs[1]?.signalingState, b2.pcs[0]?.signalingState]).toEqual(['stable', 'stable'])
    expect(a.pcs[1]?.connectionState).toBe('connected')
    expect(b2.pcs[0]?.connectionState).toBe('connected')
    expect([...a.events, ...b2.events].filter((e) => e.type === 'error')).toEqual([])

    // An ordinary ICE restart afterwards (same certificate) renegotiates without a rebuild.
    b2.pcs[0]?.setConnectionState('failed')
    await settle(60)
    expect(a.pcs).toHaveLength(2)
    expect([a.pcs[1]?.signalingState, b2.pcs[0]?.signalingState]).toEqual(['stable', 'stable'])
  })

  it('sends video again when the camera comes on over a connection that had it receive-only', async () => {
    const room = new FakeRoom()
    const a = makeSession(room, CALLER, false, [new FakeTrack('audio')])
    const video = a.pc.addRecvOnly('video')
    const camera = new FakeTrack('video')
    await a.session.replaceTrack('video', camera as unknown as MediaStreamTrack)
    expect(video.sender.track).toBe(camera)
    expect(video.direction).toBe('sendrecv')
    expect(a.session.mediaState.video).toBe(true)
  })

  it('restarts ICE on a disconnection only once the selected pair stops receiving', async () => {
    vi.useFakeTimers()
    const room = new FakeRoom()
    const a = makeSession(room, CALLER, false)
    a.transport.join()
    let received = 100
    a.pc.getStats = async () =>
      new Map<string, unknown>([
        ['T', { id: 'T', type: 'transport', selectedCandidatePairId: 'P' }],
        ['P', { id: 'P', type: 'candidate-pair', bytesReceived: received, responsesReceived: 3 }],
      ])
    a.pc.setConnectionState('disconnected')
    await vi.advanceTimersByTimeAsync(0)
    // Still receiving on the selected pair after each interval: a blip, no restart.
    for (let i = 0; i < 3; i++) {
      received += 500
      await vi.advanceTimersByTimeAsync(20)
    }
    expect(a.pc.restartIceCalls).toBe(0)
    // Nothing arrives any more: the pair died.
    await vi.advanceTimersByTimeAsync(20)
    expect(a.pc.restartIceCalls).toBe(1)
  })
})

describe('CallSessions in a group call, routed by PeerMesh (one session per remote member)', () => {
  const CAROL = '00000000-0000-4000-8000-00000000000c'

  /** Every member's room socket; its PeerMesh gives each session its own slice of the room. */
  function member(room: FakeRoom, self: string, others: string[]) {
    const transport = room.transport(self)
    const link = heldTransport({ on: (_event, l) => transport.onMessage(l) }, (type, data, to) =>
      transport.send(type, data, to),
    )
    link.startReceiving()
    link.startSending()
    const sessions = new Map<string, { session: CallSession; pc: FakePeerConnection }>()
    const errors: unknown[] = []
    const mesh = new PeerMesh({
      selfId: self,
      link,
      localStream: new FakeStream([
        new FakeTrack('audio'),
        new FakeTrack('video'),
      ]) as unknown as MediaStream,
      group: () => true,
      create: (other, slice, stream) => {
        let pc: FakePeerConnection | null = null
        const session = new CallSession({
          selfId: self,
          // A stable rule both ends agree on without talking: the greater id yields.
          polite: self > other,
          iceServers: [],
          transport: slice,
          localStream: stream as MediaStream,
          createPeerConnection: (config) => {
            pc = new FakePeerConnection(`${self.slice(-1)}->${other.slice(-1)}`, config)
            return pc as unknown as RTCPeerConnection
          },
        })
        session.on('error', (e) => errors.push(e))
        sessions.set(other, { session, pc: pc as unknown as FakePeerConnection })
        return session
      },
    })
    for (const other of others) mesh.connect(other)
    return { transport, sessions, errors }
  }

  it('connects a mesh of three with every offer, answer and candidate addressed to one member', async () => {
    const room = new FakeRoom()
    const ids = [CALLER, CALLEE, CAROL]
    const members = ids.map((id) =>
      member(
        room,
        id,
        ids.filter((o) => o !== id),
      ),
    )
    for (const m of members) m.transport.join()
    for (const m of members) for (const { session } of m.sessions.values()) session.start()
    await settle(120)
    for (const m of members) {
      for (const { pc } of m.sessions.values()) {
        expect(pc.signalingState).toBe('stable')
        expect(pc.connectionState).toBe('connected')
      }
      expect(m.errors).toEqual([])
    }
    // Each pair negotiated between its own two connections only.
    const ab = members[0]?.sessions.get(CALLEE)?.pc
    expect(ab?.remoteDescription?.sdp).toMatch(/^b->a-/)
    expect(room.relayed.length).toBeGreaterThan(0)
    expect(room.relayed.every((m) => m.to !== undefined && m.to !== m.from)).toBe(true)
    expect(room.dropped).toBe(0)
  })

  it('one member leaving affects only the sessions for that member', async () => {
    const room = new FakeRoom()
    const ids = [CALLER, CALLEE, CAROL]
    const members = ids.map((id) =>
      member(
        room,
        id,
        ids.filter((o) => o !== id),
      ),
    )
    const present: string[] = []
    members[0]?.sessions
      .get(CALLEE)
      ?.session.on('peerPresent', (p) => present.push(`b:${String(p)}`))
    members[0]?.sessions
      .get(CAROL)
      ?.session.on('peerPresent', (p) => present.push(`c:${String(p)}`))
    for (const m of members) m.transport.join()
    for (const m of members) for (const { session } of m.sessions.values()) session.start()
    await settle(120)
    present.length = 0
    members[2]?.transport.leave()
    expect(present).toEqual(['c:false'])
  })
})
