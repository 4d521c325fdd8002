import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ApiError } from '../api-error.js'
import { signedInUser } from '../plugins/app/auth.js'
import { MeResponse, ROUTES, UserListResponse, UserSearchQuery } from '../protocol/index.js'

const users: FastifyPluginAsyncTypebox<{ minQueryLength: number }> = async (
  fastify,
  { minQueryLength },
) => {
  fastify.addHook('preHandler', fastify.authenticate)

  fastify.get(ROUTES.me, { schema: { response: { 200: MeResponse } } }, async (request) => ({
    user: signedInUser(request),
  }))

  fastify.get(
    ROUTES.users,
    { schema: { querystring: UserSearchQuery, response: { 200: UserListResponse } } },
    async (request) => {
      const query = request.query.query?.trim() ?? ''
      // The contract's `?query=` still answers 200 with a list, but an empty one: an empty search
      // used to match everyone, listing the whole directory.
      if (query === '') return { users: [] }
      if ([...query].length < minQueryLength) {
        throw new ApiError(
          400,
          'query_too_short',
          `Type at least ${minQueryLength} characters to search for someone`,
        )
      }
      return {
        users: await fastify.users.search(
          query,
          signedInUser(request).id,
          request.query.limit ?? 20,
        ),
      }
    },
  )
}
export default users
