import Value from 'typebox/value'
import { PeerData, type Envelope } from 'veracall-signaling/protocol'
import type { CallSession, RoomTransport } from './call-session.js'
import type { HeldTransport } from './held-transport.js'

/** What the device and screen-share controllers change on "the call": every connection of it. */
export type LocalMediaSession = Pick<
  CallSession,
  'localStream' | 'isClosed' | 'setMicrophoneEnabled' | 'replaceTrack' | 'setScreenSharing'
>

export interface PeerMeshOptions {
  selfId: string
  /** The call's room socket (one per call, shared by every connection). */
  link: HeldTransport
  /** What every connection sends; null while the devices are still opening (see attachStream). */
  localStream: MediaStream | null
  /**
   * Makes the connection to one remote member over `transport` (which is theirs only), sending
   * `stream` (null: the devices are still opening, their tracks go on with attachStream).
   */
  create: (remoteId: string, transport: RoomTransport, stream: MediaStream | null) => CallSession
  /**
   * A group call: messages carry `to` and are taken in by sender, and whoever appears in the room
   * gets a connection. A 1:1 call's one connection, made up front, sends and takes in everything
   * exactly as before group calls, so the other person's app may be one that predates them.
   */
  group: () => boolean
}

type Listener = (message: Envelope) => void

/**
 * A call's connections, one CallSession per remote member (a full mesh), over the one room
 * socket. Routes each room message to the session of the member it is from (their joins and
 * leaves by `data.user_id`), and fans local media changes (mute, camera, device switch, screen)
 * out to every connection, all of which send the same local tracks.
 */
export class PeerMesh implements LocalMediaSession {
  private readonly sessions = new Map<string, CallSession>()
  private readonly listeners = new Map<string, Set<Listener>>()
  private readonly unsubscribe: () => void
  private stream: MediaStream | null
  /** What `localStream` reads while the devices are still opening. */
  private empty: MediaStream | null = null
  private sharing = false
  private closed = false

  constructor(private readonly options: PeerMeshOptions) {
    this.stream = options.localStream
    this.unsubscribe = options.link.onMessage((m) => this.route(m))
  }

  /** The connection to `remoteId`, made now if there is none. */
  connect(remoteId: string): CallSession {
    const existing = this.sessions.get(remoteId)
    if (existing) return existing
    const session = this.options.create(remoteId, this.transportFor(remoteId), this.stream)
    this.sessions.set(remoteId, session)
    // Joined while a screen was shared: the newcomer's face check must know it is no face.
    if (this.sharing) session.setScreenSharing(true)
    return session
  }

  get(remoteId: string): CallSession | undefined {
    return this.sessions.get(remoteId)
  }

  /** The connections in the order they were made. */
  entries(): [string, CallSession][] {
    return [...this.sessions]
  }

  get size(): number {
    return this.sessions.size
  }

  /** That person left the call: their connection closes, the local tracks go on for the others. */
  remove(remoteId: string): boolean {
    const session = this.sessions.get(remoteId)
    if (!session) return false
    this.sessions.delete(remoteId)
    this.listeners.delete(remoteId)
    session.close({ keepLocalTracks: true })
    return true
  }

  /** Every connection closes and the local tracks stop. Idempotent. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.unsubscribe()
    for (const session of this.sessions.values()) session.close()
    this.sessions.clear()
    this.listeners.clear()
    for (const track of this.stream?.getTracks() ?? []) track.stop()
  }

  /**
   * The devices opened (the mesh started with no stream): every connection puts their tracks on
   * without renegotiating (CallSession.attachStream), and connections made later send them.
   */
  async attachStream(stream: MediaStream): Promise<void> {
    if (this.closed) {
      for (const track of stream.getTracks()) track.stop()
      return
    }
    this.stream = stream
    await Promise.all([...this.sessions.values()].map((session) => session.attachStream(stream)))
  }

  get isClosed(): boolean {
    return this.closed
  }

  get localStream(): MediaStream {
    return this.stream ?? (this.empty ??= new MediaStream())
  }

  setMicrophoneEnabled(enabled: boolean): void {
    // With nobody connected yet the tracks still change: connections made later read them.
    for (const track of this.localStream.getAudioTracks()) track.enabled = enabled
    for (const session of this.sessions.values()) session.setMicrophoneEnabled(enabled)
  }

  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    const sessions = [...this.sessions.values()]
    if (sessions.length === 0) return swapLocalTrack(this.localStream, kind, track)
    // One after the other: the first swaps the shared stream's track (and stops the old one),
    // the others find it swapped and only change their senders.
    for (const session of sessions) await session.replaceTrack(kind, track)
  }

  setScreenSharing(sharing: boolean): void {
    this.sharing = sharing
    for (const session of this.sessions.values()) session.setScreenSharing(sharing)
  }

  private transportFor(remoteId: string): RoomTransport {
    const { link, group } = this.options
    return {
      send: (type, data) => link.send(type, data, group() ? remoteId : undefined),
      onMessage: (listener) => {
        let set = this.listeners.get(remoteId)
        if (!set) {
          set = new Set()
          this.listeners.set(remoteId, set)
        }
        set.add(listener)
        return () => set.delete(listener)
      },
    }
  }

  private route(message: Envelope): void {
    if (this.closed) return
    if (message.type === 'error' || !this.options.group()) {
      for (const set of [...this.listeners.values()]) deliver(set, message)
      return
    }
    let from = message.user_id
    if (message.type === 'peer_joined' || message.type === 'peer_left') {
      if (!Value.Check(PeerData, message.data)) return
      from = message.data.user_id
      if (from === this.options.selfId) return
      // Someone in the room with no connection yet: a member who just answered.
      if (message.type === 'peer_joined') this.connect(from)
    }
    if (!from) return
    const set = this.listeners.get(from)
    if (set) deliver(set, message)
  }
}

function deliver(listeners: Set<Listener>, message: Envelope): void {
  for (const listener of [...listeners]) listener(message)
}

/** The stream's `kind` track becomes `track` (the old one stops), with no connection to tell. */
function swapLocalTrack(
  stream: MediaStream,
  kind: 'audio' | 'video',
  track: MediaStreamTrack | null,
): void {
  const old = kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks()
  // A new microphone stays muted if the old one was.
  if (track && kind === 'audio') track.enabled = old.some((t) => t.enabled)
  for (const t of old) {
    if (t === track) continue
    stream.removeTrack(t)
    t.stop()
  }
  if (track) stream.addTrack(track)
}
