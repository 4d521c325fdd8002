/// <reference lib="dom" />
import { describe, expect, it } from 'vitest'
import type { Envelope } from 'veracall-signaling/protocol'
import type { CallSession, RoomTransport } from '../../../src/renderer/src/call/call-session.js'
import { heldTransport } from '../../../src/renderer/src/call/held-transport.js'
import { PeerMesh } from '../../../src/renderer/src/call/peer-mesh.js'
import { FakeStream, FakeTrack } from '../fakes/fake-peer.js'

const SELF = 'self'

/** A stand-in session: records what its slice of the room delivered and how it was closed. */
function fakeSession(transport: RoomTransport, stream: MediaStream | null) {
  const received: Envelope[] = []
  const closes: unknown[] = []
  const attached: MediaStream[] = []
  transport.onMessage((m) => received.push(m))
  const session = {
    received,
    closes,
    transport,
    /** What it was made with (null: devices still opening), then what attachStream put on. */
    stream,
    attached,
    attachStream: async (s: MediaStream) => void attached.push(s),
    close: (options?: unknown) => closes.push(options ?? {}),
    setScreenSharing: () => undefined,
    setMicrophoneEnabled: () => undefined,
  }
  return session
}

function setup(group: boolean, opening = false) {
  let listener: ((m: Envelope) => void) | null = null
  const sent: { type: string; to?: string }[] = []
  const link = heldTransport(
    { on: (_e, l) => ((listener = l), () => undefined) },
    (type, _data, to) => sent.push({ type, to }),
  )
  link.startReceiving()
  link.startSending()
  const stream = new FakeStream([new FakeTrack('audio'), new FakeTrack('video')])
  const sessions = new Map<string, ReturnType<typeof fakeSession>>()
  const mesh = new PeerMesh({
    selfId: SELF,
    link,
    localStream: opening ? null : (stream as unknown as MediaStream),
    group: () => group,
    create: (id, transport, local) => {
      const s = fakeSession(transport, local)
      sessions.set(id, s)
      return s as unknown as CallSession
    },
  })
  const deliver = (type: string, from: string, data: unknown = {}): void =>
    listener?.({ type, call_id: 'r', user_id: from, data, timestamp: 1 } as Envelope)
  return { mesh, sessions, sent, deliver, stream }
}

describe('PeerMesh', () => {
  it('connects whoever joins a group call and routes each message to its sender', () => {
    const { mesh, sessions, deliver, sent } = setup(true)
    deliver('peer_joined', 'x', { user_id: 'b' })
    deliver('peer_joined', 'x', { user_id: 'c' })
    deliver('peer_joined', 'x', { user_id: SELF })
    expect([...sessions.keys()]).toEqual(['b', 'c'])
    deliver('answer', 'c', { type: 'answer', sdp: 'x' })
    expect(sessions.get('b')?.received.map((m) => m.type)).toEqual(['peer_joined'])
    expect(sessions.get('c')?.received.map((m) => m.type)).toEqual(['peer_joined', 'answer'])
    // An error from the server concerns everyone.
    deliver('error', '', { code: 'recipient_not_in_room', message: 'gone' })
    expect(sessions.get('b')?.received.at(-1)?.type).toBe('error')
    // Each session's messages are addressed to its person.
    sessions.get('c')?.transport.send('offer', { type: 'offer', sdp: 'o' })
    expect(sent).toEqual([{ type: 'offer', to: 'c' }])
    expect(mesh.size).toBe(2)
  })

  it('a 1:1 call: the one session takes everything and sends without `to`', () => {
    const { mesh, sessions, deliver, sent } = setup(false)
    mesh.connect('b')
    deliver('peer_joined', 'x', { user_id: 'someone' })
    deliver('offer', 'b', { type: 'offer', sdp: 'o' })
    expect([...sessions.keys()]).toEqual(['b'])
    expect(sessions.get('b')?.received).toHaveLength(2)
    sessions.get('b')?.transport.send('answer', { type: 'answer', sdp: 'a' })
    expect(sent).toEqual([{ type: 'answer', to: undefined }])
  })

  it('removing one person keeps the local tracks; closing the call stops them', async () => {
    const { mesh, sessions, deliver, stream } = setup(true)
    deliver('peer_joined', 'x', { user_id: 'b' })
    deliver('peer_joined', 'x', { user_id: 'c' })
    expect(mesh.remove('c')).toBe(true)
    expect(mesh.remove('c')).toBe(false)
    expect(sessions.get('c')?.closes).toEqual([{ keepLocalTracks: true }])
    deliver('offer', 'c', {})
    expect(sessions.get('c')?.received.map((m) => m.type)).toEqual(['peer_joined'])
    expect(stream.getTracks().every((t) => t.readyState === 'live')).toBe(true)
    mesh.close()
    expect(sessions.get('b')?.closes).toEqual([{}])
    expect(stream.getTracks().every((t) => t.readyState === 'ended')).toBe(true)
    expect(mesh.isClosed).toBe(true)
  })

  it('with nobody connected yet, mute and camera off change the local tracks themselves', async () => {
    const { mesh, stream } = setup(true)
    mesh.setMicrophoneEnabled(false)
    expect(stream.getAudioTracks()[0]?.enabled).toBe(false)
    const [camera] = stream.getVideoTracks()
    await mesh.replaceTrack('video', null)
    expect(stream.getVideoTracks()).toEqual([])
    expect(camera?.readyState).toBe('ended')
  })

  it('started before the devices open: their stream goes onto every connection, and later ones', async () => {
    const { mesh, sessions, deliver, stream } = setup(true, true)
    deliver('peer_joined', 'x', { user_id: 'b' })
    expect(sessions.get('b')?.stream).toBeNull()
    await mesh.attachStream(stream as unknown as MediaStream)
    expect(sessions.get('b')?.attached).toEqual([stream])
    expect(mesh.localStream).toBe(stream)
    deliver('peer_joined', 'x', { user_id: 'c' })
    expect(sessions.get('c')?.stream).toBe(stream)
    expect(sessions.get('c')?.attached).toEqual([])
  })

  it('stops a stream that opens after the call closed', async () => {
    const { mesh, stream } = setup(false, true)
    mesh.close()
    await mesh.attachStream(stream as unknown as MediaStream)
    expect(stream.getTracks().every((t) => t.readyState === 'ended')).toBe(true)
  })
})
