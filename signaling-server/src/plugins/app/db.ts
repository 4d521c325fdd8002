import fp from 'fastify-plugin'
import { openDatabase, type Db } from '../../db/open.js'
import { createCallsRepository, type CallsRepository } from '../../db/repositories/calls.js'
import { createUsersRepository, type UsersRepository } from '../../db/repositories/users.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    users: UsersRepository
    calls: CallsRepository
  }
}

export default fp<{ dbPath: string }>(
  async (fastify, { dbPath }) => {
    const db = openDatabase(dbPath)
    fastify.decorate('db', db)
    fastify.decorate('users', createUsersRepository(db))
    fastify.decorate('calls', createCallsRepository(db))
    fastify.addHook('onClose', async () => db.close())
  },
  { name: 'db' },
)
