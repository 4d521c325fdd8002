import type { FastifyRequest } from 'fastify'
import Type from 'typebox'
import type { SocketCaps } from './socket-caps.js'
import type { PeerSocketLimits } from './peer-socket.js'

/** What the WebSocket routes share. */
export interface WsContext {
  upgradeAuth: (request: FastifyRequest) => Promise<void>
  tokenQuery: ReturnType<typeof tokenQuerySchema>
  caps: SocketCaps
  limits: PeerSocketLimits
  /** Sockets closed because the same user re-joined: their departure is not a peer_left. */
  replaced: Set<string>
}

export const tokenQuerySchema = () =>
  Type.Object(
    { token: Type.Optional(Type.String({ maxLength: 4096 })) },
    { additionalProperties: false },
  )
