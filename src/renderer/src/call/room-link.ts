import { CloseCode, ROUTES, type Call } from 'veracall-signaling/protocol'
import { WsClient, socketUrl, type SocketFactory, type WsState } from '../signaling/ws-client.js'
import { heldTransport, type HeldTransport } from './held-transport.js'

/** A call's room socket and the transport the session will use over it. */
export interface RoomLink {
  room: WsClient
  transport: HeldTransport
}

/**
 * Opens the call's room socket (connect, authenticate, join). What arrives before the session
 * exists is held for it (see heldTransport).
 */
export function openRoom(opts: {
  call: Call
  serverUrl: string
  selfId: string
  getToken: () => string | null
  createSocket?: SocketFactory
  onState: (state: WsState) => void
  /** The server closed the room because the call is over. */
  onCallEnded: () => void
}): RoomLink {
  const { call, selfId } = opts
  const room = new WsClient({
    url: socketUrl(opts.serverUrl, ROUTES.callSocket(call.room_id)),
    getToken: opts.getToken,
    createSocket: opts.createSocket,
    greeting: () => ({
      type: 'join',
      call_id: call.room_id,
      user_id: selfId,
      data: {},
      timestamp: Date.now(),
    }),
  })
  const transport = heldTransport(room, (type, data, to) =>
    room.send({
      type,
      call_id: call.room_id,
      user_id: selfId,
      data,
      timestamp: Date.now(),
      ...(to ? { to } : {}),
    }),
  )
  room.on('state', opts.onState)
  room.on('fatal', (code) => {
    // The events socket normally says so first.
    if (code === CloseCode.callEnded) opts.onCallEnded()
  })
  room.connect()
  return { room, transport }
}
