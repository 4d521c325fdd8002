import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Clock } from '../clock.js'
import type { TurnConfig } from '../config.js'
import { signedInUser } from '../plugins/app/auth.js'
import { ErrorBody, errorBody, ROUTES, TurnCredentialsResponse } from '../protocol/index.js'
import { turnCredentials } from '../services/turn-credentials.js'

/**
 * `GET /api/v1/turn-credentials`: a fresh short-lived TURN credential for the signed-in user, or
 * 404 when this server has no TURN configured (clients then use STUN, or their own TURN entry).
 */
const turn: FastifyPluginAsyncTypebox<{ turn: TurnConfig | undefined; clock: Clock }> = async (
  fastify,
  { turn, clock },
) => {
  fastify.addHook('preHandler', fastify.authenticate)

  fastify.get(
    ROUTES.turnCredentials,
    { schema: { response: { 200: TurnCredentialsResponse, 404: ErrorBody } } },
    async (request, reply) => {
      const user = signedInUser(request)
      // A credential is personal and expires: no cache may keep or share it.
      void reply.header('cache-control', 'no-store')
      if (!turn)
        return reply.code(404).send(errorBody('not_found', 'This server has no TURN relay'))
      return turnCredentials(turn, user.id, clock())
    },
  )
}
export default turn
