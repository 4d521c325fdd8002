import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ApiError } from '../api-error.js'
import { signedInUser } from '../plugins/app/auth.js'
import {
  CallIdBody,
  CallListResponse,
  CallResponse,
  HistoryQuery,
  HistoryResponse,
  InviteBody,
  ROUTES,
  StartCallBody,
} from '../protocol/index.js'

/** The calls API. The state machine itself lives in services/call-service.ts. */
const calls: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addHook('preHandler', fastify.authenticate)
  const service = fastify.callService

  fastify.post(
    ROUTES.startCall,
    {
      config: { rateLimit: { max: fastify.rateLimits.callStart, timeWindow: '1 minute' } },
      schema: { body: StartCallBody, response: { 201: CallResponse } },
    },
    async (request, reply) => {
      const { callee_id, callee_ids, call_type } = request.body
      if ((callee_id === undefined) === (callee_ids === undefined))
        throw new ApiError(400, 'invalid_input', 'Send exactly one of callee_id or callee_ids')
      const call = await service.start(
        signedInUser(request).id,
        callee_ids ?? [callee_id ?? ''],
        call_type,
      )
      return reply.code(201).send({ call })
    },
  )

  fastify.post(
    ROUTES.inviteToCall,
    {
      config: { rateLimit: { max: fastify.rateLimits.callStart, timeWindow: '1 minute' } },
      schema: { body: InviteBody, response: { 200: CallResponse } },
    },
    async (request) => ({
      call: await service.invite(
        signedInUser(request).id,
        request.body.call_id,
        request.body.user_id,
      ),
    }),
  )

  fastify.post(
    ROUTES.acceptCall,
    { schema: { body: CallIdBody, response: { 200: CallResponse } } },
    async (request) => ({
      call: await service.accept(signedInUser(request).id, request.body.call_id),
    }),
  )

  fastify.post(
    ROUTES.declineCall,
    { schema: { body: CallIdBody, response: { 200: CallResponse } } },
    async (request) => ({
      call: await service.decline(signedInUser(request).id, request.body.call_id),
    }),
  )

  fastify.post(
    ROUTES.endCall,
    { schema: { body: CallIdBody, response: { 200: CallResponse } } },
    async (request) => ({
      call: await service.end(signedInUser(request).id, request.body.call_id),
    }),
  )

  fastify.get(
    ROUTES.activeCalls,
    { schema: { response: { 200: CallListResponse } } },
    async (request) => ({
      calls: await fastify.calls.active(signedInUser(request).id),
    }),
  )

  fastify.get(
    ROUTES.history,
    { schema: { querystring: HistoryQuery, response: { 200: HistoryResponse } } },
    async (request) => {
      const page = request.query.page ?? 1
      const limit = request.query.limit ?? 10
      const userId = signedInUser(request).id
      const [stats, calls] = await Promise.all([
        fastify.calls.stats(userId),
        fastify.calls.history(userId, page, limit),
      ])
      return { calls, page, limit, total: stats.total_calls, stats }
    },
  )
}
export default calls
