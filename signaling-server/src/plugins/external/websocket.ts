import websocket from '@fastify/websocket'
import fp from 'fastify-plugin'
import { CloseCode, MAX_WS_MESSAGE_BYTES, WS_SUBPROTOCOL } from '../../protocol/index.js'
import { createSocketErrorHandler } from '../../ws/socket-errors.js'

/**
 * WebSocket server options (W4, W11): frames over 64 KiB close the socket with 1009, no
 * compression (CPU and memory per socket, and compression side channels), and the server picks
 * `veracall.v1` so a `bearer.<jwt>` subprotocol is never echoed back. Client-caused socket errors
 * are counted and logged at debug (see socket-errors.ts).
 */
export default fp(
  async (fastify) => {
    await fastify.register(websocket, {
      options: {
        maxPayload: MAX_WS_MESSAGE_BYTES,
        perMessageDeflate: false,
        handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
      },
      errorHandler: createSocketErrorHandler(fastify),
      preClose(done) {
        for (const client of this.websocketServer.clients) {
          client.close(CloseCode.goingAway, 'server shutting down')
        }
        this.websocketServer.close()
        done()
      },
    })
  },
  { name: 'websocket', dependencies: ['metrics'] },
)
