import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  InMemoryFanout,
  type Fanout,
  type Subscriber,
} from '../../signaling-server/src/ws/fanout.js'
import { RedisFanout } from '../../signaling-server/src/ws/redis-fanout.js'
import { REDIS_BIN, reportSkip, startRedis, type RunningRedis } from './backends.js'

/**
 * The Fanout contract, on the in-memory implementation (one node) and on Redis (two nodes: two
 * RedisFanout instances on one Redis). Handlers rely on exactly this, whichever is configured.
 */
const redisSkip = REDIS_BIN
  ? undefined
  : 'redis-server is not installed (apt-get install redis-server)'
reportSkip('fan-out on redis', redisSkip)

let redis: RunningRedis | undefined
beforeAll(async () => {
  if (!redisSkip) redis = await startRedis()
}, 30_000)
afterAll(async () => {
  await redis?.stop()
})

class Inbox implements Subscriber {
  readonly received: string[] = []
  constructor(
    readonly id: string,
    readonly userId: string,
  ) {}
  deliver(message: string): void {
    this.received.push(message)
  }
}

/** Polls until `check` holds: Redis delivers to other nodes asynchronously. */
async function eventually(check: () => void, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      check()
      return
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((r) => setTimeout(r, 20))
    }
  }
}

interface Implementation {
  name: string
  skip: string | undefined
  /** Two nodes' fan-outs (the same object for the in-memory one). */
  nodes(): Promise<[Fanout, Fanout]>
}

let n = 0
const IMPLEMENTATIONS: Implementation[] = [
  {
    name: 'memory',
    skip: undefined,
    nodes: async () => {
      const one = new InMemoryFanout()
      return [one, one]
    },
  },
  {
    name: 'redis',
    skip: redisSkip,
    nodes: async () => {
      const url = redis?.url ?? ''
      const id = ++n
      return [
        await RedisFanout.connect({ url, nodeId: `n${id}-1` }),
        await RedisFanout.connect({ url, nodeId: `n${id}-2` }),
      ]
    },
  },
]

describe.each(IMPLEMENTATIONS)('fan-out on $name', (impl) => {
  describe.skipIf(impl.skip !== undefined)(impl.name, () => {
    let one: Fanout
    let two: Fanout
    beforeAll(async () => {
      ;[one, two] = await impl.nodes()
    })
    afterAll(async () => {
      await one?.close()
      if (two !== one) await two?.close()
    })

    it('reports who is present on any node, delivers once to all but the sender, forgets leavers', async () => {
      const alice = new Inbox('s-alice', 'alice')
      const bob = new Inbox('s-bob', 'bob')
      expect(await one.subscribe('room:x', alice)).toEqual([])
      expect(await two.subscribe('room:x', bob)).toEqual(['alice'])
      expect(await two.subscribe('room:x', bob)).toEqual(['alice'])
      for (const node of [one, two])
        expect((await node.members('room:x')).sort()).toEqual(['alice', 'bob'])
      for (let i = 0; i < 20; i++) await one.publish('room:x', `m${i}`, alice.id)
      await eventually(() => expect(bob.received).toHaveLength(20))
      expect(bob.received).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`))
      expect(alice.received).toEqual([])
      await two.publish('room:x', 'to-all')
      await eventually(() => expect(alice.received).toEqual(['to-all']))
      expect(bob.received.at(-1)).toBe('to-all')
      await one.unsubscribe('room:x', alice)
      for (const node of [one, two]) expect(await node.members('room:x')).toEqual(['bob'])
      await two.unsubscribe('room:x', bob)
      expect(await one.members('room:x')).toEqual([])
      expect(one.localSubscribers('room:x')).toEqual([])
    })

    it('delivers a message addressed to one user only to their sockets, on any node, in order', async () => {
      const alice = new Inbox('s-alice-to', 'alice')
      const bob = new Inbox('s-bob-to', 'bob')
      // Carol has a socket on each node: both get what is addressed to her.
      const carolHere = new Inbox('s-carol-1', 'carol')
      const carolThere = new Inbox('s-carol-2', 'carol')
      await one.subscribe('room:to', alice)
      await one.subscribe('room:to', carolHere)
      await two.subscribe('room:to', bob)
      await two.subscribe('room:to', carolThere)
      await one.publish('room:to', 'for-carol-1', alice.id, 'carol')
      await one.publish('room:to', 'for-bob', alice.id, 'bob')
      await one.publish('room:to', 'for-carol-2', alice.id, 'carol')
      // A broadcast last: once everyone has it, everything before it has been delivered.
      await one.publish('room:to', 'for-all', alice.id)
      await eventually(() => {
        for (const inbox of [bob, carolHere, carolThere])
          expect(inbox.received.at(-1)).toBe('for-all')
      })
      for (const carol of [carolHere, carolThere])
        expect(carol.received).toEqual(['for-carol-1', 'for-carol-2', 'for-all'])
      expect(bob.received).toEqual(['for-bob', 'for-all'])
      expect(alice.received).toEqual([])
      // The sender's own id is still skipped, and an addressee who is not there gets nothing.
      expect(one.publishNow?.('room:to', 'nobody', alice.id, 'dave') ?? 0).toBe(0)
      await two.publish('room:to', 'for-alice', bob.id, 'alice')
      await eventually(() => expect(alice.received).toEqual(['for-alice']))
      for (const [node, inbox] of [
        [one, alice],
        [one, carolHere],
        [two, bob],
        [two, carolThere],
      ] as const)
        await node.unsubscribe('room:to', inbox)
    })

    it('announces to every node once, the announcing one included', async () => {
      const heard: string[] = []
      one.onAnnounce((m) => heard.push(`one:${m}`))
      if (two !== one) two.onAnnounce((m) => heard.push(`two:${m}`))
      await one.announce('close')
      const expected = two === one ? ['one:close'] : ['one:close', 'two:close']
      await eventually(() => expect([...heard].sort()).toEqual(expected))
      await new Promise((r) => setTimeout(r, 100))
      expect(heard).toHaveLength(expected.length)
    })

    it('answers ping and names its kind', async () => {
      expect(await one.ping()).toBe(true)
      expect(one.kind).toBe(impl.name)
    })
  })
})
