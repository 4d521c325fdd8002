import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ApiError } from '../api-error.js'
import { AuthResponse, ErrorBody, LoginBody, RegisterBody, ROUTES } from '../protocol/index.js'

/** Register and login: the only routes without a token, so the tightest rate limit (F6). */
const auth: FastifyPluginAsyncTypebox = async (fastify) => {
  const rateLimit = { max: fastify.rateLimits.auth, timeWindow: '1 minute' }

  fastify.post(
    ROUTES.register,
    {
      config: { rateLimit },
      schema: { body: RegisterBody, response: { 201: AuthResponse, 409: ErrorBody } },
    },
    async (request, reply) => {
      const { username, password, display_name } = request.body
      const hash = await fastify.passwords.hash(password)
      const user = await fastify.users.create(username, display_name?.trim() || username, hash)
      if (!user) throw new ApiError(409, 'username_taken', 'That username is taken')
      return reply.code(201).send({ token: await fastify.tokens.sign(user), user })
    },
  )

  fastify.post(
    ROUTES.login,
    {
      config: { rateLimit },
      schema: { body: LoginBody, response: { 200: AuthResponse, 401: ErrorBody } },
    },
    async (request) => {
      const { username, password } = request.body
      const found = await fastify.users.findByUsername(username)
      // Same work and the same answer whether the name or the password is wrong (D2).
      const ok = found
        ? await fastify.passwords.verify(password, found.passwordHash)
        : await fastify.passwords.burn(password)
      if (!found || !ok)
        throw new ApiError(401, 'invalid_credentials', 'Wrong username or password')
      return { token: await fastify.tokens.sign(found.user), user: found.user }
    },
  )
}
export default auth
