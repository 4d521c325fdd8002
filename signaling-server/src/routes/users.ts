import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { signedInUser } from '../plugins/app/auth.js'
import { MeResponse, UserListResponse, UserSearchQuery } from '../protocol/index.js'

const users: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addHook('preHandler', fastify.authenticate)

  fastify.get(
    '/api/v1/users/me',
    { schema: { response: { 200: MeResponse } } },
    async (request) => ({
      user: signedInUser(request),
    }),
  )

  fastify.get(
    '/api/v1/users',
    { schema: { querystring: UserSearchQuery, response: { 200: UserListResponse } } },
    async (request) => ({
      users: fastify.users.search(
        request.query.query?.trim() ?? '',
        signedInUser(request).id,
        request.query.limit ?? 20,
      ),
    }),
  )
}
export default users
