import websocket from '@fastify/websocket'
import fp from 'fastify-plugin'
import { CloseCode, errorBody, MAX_WS_MESSAGE_BYTES, WS_SUBPROTOCOL } from '../../protocol/index.js'
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
    // An upgrade to an HTTP route (`/health?token=…`) is refused as an unknown WebSocket endpoint,
    // before the plugin would complete it only to close it and log the raw URL, token included.
    const socketRoutes = new Set<string>()
    fastify.addHook('onRoute', (route) => {
      if (route.websocket) socketRoutes.add(route.url)
    })
    fastify.addHook('onRequest', async (request, reply) => {
      const route = request.routeOptions.url
      // (An unknown URL has no route: the not-found handler answers it, rate limit included.)
      if (request.ws && route !== undefined && !socketRoutes.has(route)) {
        return reply
          .code(404)
          .send(errorBody('not_found', `No WebSocket endpoint at ${request.url.split('?')[0]}`))
      }
    })
  },
  { name: 'websocket', dependencies: ['metrics'] },
)
