import { afterAll, describe, expect, it } from 'vitest'
import type {
  AuthResponse,
  Call,
  ErrorBody,
  HistoryResponse,
  Participant,
} from 'veracall-signaling/protocol'
import { CloseCode } from 'veracall-signaling/protocol'
import { clusterUnavailable, reportSkip, startPostgres, startRedis } from './backends.js'
import { callOf, envelope, startServer, TestSocket, type TestServer } from './helper.js'

/**
 * Issue 12's group calls through the real server: the REST contract, the /ws/events pushes and the
 * room (admission, `to` routing), on one SQLite node and on two nodes sharing Postgres and Redis,
 * where each person talks to "their" node so that every rule crosses nodes. Ring and empty-room
 * timeouts are long here (nothing may time out under a slow machine); they are tested with a fake
 * clock in group-deadlines.test.ts and with a short grace in the last suite.
 */
type Answer = { call: Call } & ErrorBody

/** Someone signed up on one node, with their /ws/events socket open there. */
interface Person {
  auth: AuthResponse
  id: string
  node: TestServer
  events: TestSocket
  post(path: string, body: unknown): Promise<{ status: number; body: Answer }>
}

type Crowd = [Person, Person, Person, Person, Person, Person, Person]

interface Setup {
  name: string
  skip: string | undefined
  nodes(): Promise<TestServer[]>
}

const SETUPS: Setup[] = [
  {
    name: 'sqlite, one node',
    skip: undefined,
    nodes: async () => [await startServer({ ringTimeoutS: 600, emptyRoomTimeoutS: 600 })],
  },
  {
    name: 'postgres + redis, two nodes',
    skip: clusterUnavailable,
    nodes: async () => {
      const postgres = await startPostgres()
      afterAll(() => postgres.stop())
      const redis = await startRedis()
      afterAll(() => redis.stop())
      const node = (nodeId: string) =>
        startServer({
          databaseUrl: postgres.url,
          redisUrl: redis.url,
          nodeId,
          ringTimeoutS: 600,
          emptyRoomTimeoutS: 600,
          sweepIntervalMs: 250,
        })
      return [await node('group-a'), await node('group-b')]
    },
  },
]
reportSkip('group calls on postgres + redis', clusterUnavailable)

const statuses = (call: Call): [string, string, string][] =>
  (call.participants ?? []).map((p: Participant) => [p.user_id, p.role, p.status])

/** Opens `person`'s room socket on their node and joins; resolves once the join took effect. */
async function joinRoom(person: Person, call: Call): Promise<TestSocket> {
  const socket = new TestSocket(
    `${person.node.wsUrl}/ws/call/${call.room_id}?token=${person.auth.token}`,
  )
  await socket.opened
  socket.send(envelope('join', call.room_id))
  // A round trip: once the error for a bad frame is back, the join before it has taken effect.
  socket.send('not json')
  await socket.ofType('error')
  return socket
}

/** Sends a frame that fails validation and waits for its error: everything before it was handled. */
async function roundTrip(socket: TestSocket): Promise<void> {
  socket.send('not json')
  expect((await socket.ofType('error')).data).toMatchObject({ code: 'invalid_json' })
}

for (const setup of SETUPS) {
  describe.skipIf(setup.skip !== undefined)(`group calls (${setup.name})`, async () => {
    if (setup.skip) return
    const nodes = await setup.nodes()
    let count = 0
    const sockets: TestSocket[] = []
    afterAll(() => sockets.forEach((s) => s.close()))

    const person = async (): Promise<Person> => {
      const node = nodes[count++ % nodes.length] as TestServer
      const auth = await node.register()
      const events = new TestSocket(`${node.wsUrl}/ws/events?token=${auth.token}`)
      await events.opened
      sockets.push(events)
      return {
        auth,
        id: auth.user.id,
        node,
        events,
        post: (path, body) =>
          node.request<Answer>('POST', `/api/v1/calls/${path}`, body, auth.token),
      }
    }
    /** `n` new people (at most seven: typed as a tuple so that each destructured one is defined). */
    const people = async (n: number): Promise<Crowd> => {
      if (n > 7) throw new Error('at most seven')
      return (await Promise.all(Array.from({ length: n }, person))) as Crowd
    }

    const start = async (caller: Person, callees: Person[]): Promise<Call> => {
      const { status, body } = await caller.post('start', {
        callee_ids: callees.map((c) => c.id),
        call_type: 'video',
      })
      expect(status, JSON.stringify(body)).toBe(201)
      return body.call
    }
    const ok = async (who: Person, path: string, body: unknown): Promise<Call> => {
      const answer = await who.post(path, body)
      expect(answer.status, JSON.stringify(answer.body)).toBe(200)
      return answer.body.call
    }
    const eventOf = (who: Person, type: string, callId: number, userId?: string) =>
      who.events.next(
        (m) =>
          m.type === type &&
          callOf(m).id === callId &&
          (userId === undefined || m.user_id === userId),
      )
    const active = async (who: Person): Promise<Call[]> =>
      (
        await who.node.request<{ calls: Call[] }>(
          'GET',
          '/api/v1/calls/active',
          undefined,
          who.auth.token,
        )
      ).body.calls
    /** A group call of `caller` with `joined` callees who accepted, and `ringing` still rung. */
    const groupCall = async (caller: Person, joined: Person[], ringing: Person[] = []) => {
      let call = await start(caller, [...joined, ...ringing])
      for (const callee of joined) call = await ok(callee, 'accept', { call_id: call.id })
      return call
    }

    it('rings every callee of callee_ids, keeping caller_id/callee_id for old clients', async () => {
      const [a, b, c, d] = await people(4)
      const call = await start(a, [b, c, d])
      expect(call).toMatchObject({
        status: 'waiting',
        caller_id: a.id,
        callee_id: b.id,
        caller: { id: a.id },
        callee: { id: b.id },
      })
      expect(statuses(call)).toEqual([
        [a.id, 'caller', 'joined'],
        [b.id, 'callee', 'invited'],
        [c.id, 'callee', 'invited'],
        [d.id, 'callee', 'invited'],
      ])
      expect(call.participants?.[2]?.user).toEqual(c.auth.user)
      for (const who of [a, b, c, d]) {
        const event = await eventOf(who, 'incoming_call', call.id)
        expect(event.user_id).toBe(a.id)
        expect(callOf(event)).toEqual(call)
      }
      // Everyone in it is busy, ringing or not.
      const [e] = await people(1)
      for (const target of [a, c]) {
        const busy = await e.post('start', { callee_id: target.id, call_type: 'audio' })
        expect(busy.status).toBe(409)
        expect(busy.body.error.code).toBe('busy')
      }
      await ok(a, 'end', { call_id: call.id })
    })

    it('refuses a bad callee list with a clear error and creates nothing', async () => {
      const [a, b, c, d, e] = await people(5)
      const cases: [unknown, number, string][] = [
        [{ callee_ids: [], call_type: 'video' }, 400, 'invalid_input'],
        [{ callee_ids: [b.id, c.id, d.id, e.id], call_type: 'video' }, 400, 'invalid_input'],
        [{ callee_ids: [b.id, b.id], call_type: 'video' }, 400, 'invalid_input'],
        [{ callee_ids: [b.id, b.id.toUpperCase()], call_type: 'video' }, 400, 'invalid_input'],
        [{ callee_ids: [b.id, a.id], call_type: 'video' }, 400, 'invalid_input'],
        [{ callee_ids: [b.id, 'nope'], call_type: 'video' }, 400, 'invalid_input'],
        [{ callee_id: b.id, callee_ids: [c.id], call_type: 'video' }, 400, 'invalid_input'],
        [{ call_type: 'video' }, 400, 'invalid_input'],
        [
          { callee_ids: [b.id, '00000000-0000-4000-8000-000000000000'], call_type: 'audio' },
          404,
          'not_found',
        ],
      ]
      for (const [body, status, code] of cases) {
        const answer = await a.post('start', body)
        expect(answer.status, JSON.stringify(body)).toBe(status)
        expect(answer.body.error.code, JSON.stringify(body)).toBe(code)
      }
      expect(await active(a)).toEqual([])
      expect(await active(b)).toEqual([])
    })

    it('is busy if any callee is in another call, and then rings nobody', async () => {
      const [a, b, c, d] = await people(4)
      const other = await start(c, [d])
      const busy = await a.post('start', { callee_ids: [b.id, d.id], call_type: 'video' })
      expect(busy.status).toBe(409)
      expect(busy.body.error.code).toBe('busy')
      expect(await active(b)).toEqual([])
      await ok(c, 'end', { call_id: other.id })
      // d is free again: the same call goes through.
      await ok(a, 'end', { call_id: (await start(a, [b, d])).id })
    })

    it('lets each callee answer for themselves; one accept puts the call in progress', async () => {
      const [a, b, c, d] = await people(4)
      const call = await start(a, [b, c, d])
      // The caller can't answer, nor someone outside the call.
      const [stranger] = await people(1)
      expect((await a.post('accept', { call_id: call.id })).status).toBe(403)
      expect((await stranger.post('decline', { call_id: call.id })).status).toBe(403)

      const declined = await ok(b, 'decline', { call_id: call.id })
      expect(declined.status).toBe('waiting')
      expect(statuses(declined)[1]).toEqual([b.id, 'callee', 'declined'])
      for (const who of [a, b, c, d])
        expect(callOf(await eventOf(who, 'participant_declined', call.id, b.id))).toEqual(declined)
      // A second answer from b is refused; b is free for other calls at once.
      expect((await b.post('accept', { call_id: call.id })).status).toBe(409)
      const other = await start(stranger, [b])
      await ok(stranger, 'end', { call_id: other.id })

      const accepted = await ok(c, 'accept', { call_id: call.id })
      expect(accepted.status).toBe('in_progress')
      expect(accepted.answered_at).toEqual(expect.any(String))
      expect(statuses(accepted).map(([, , s]) => s)).toEqual([
        'joined',
        'declined',
        'joined',
        'invited',
      ])
      for (const who of [a, c, d])
        expect(callOf(await eventOf(who, 'call_accepted', call.id, c.id))).toEqual(accepted)

      // d still rings and may join later: that is participant_joined, not a second call_accepted.
      const joined = await ok(d, 'accept', { call_id: call.id })
      expect(joined.answered_at).toBe(accepted.answered_at)
      for (const who of [a, c, d])
        expect(callOf(await eventOf(who, 'participant_joined', call.id, d.id))).toEqual(joined)
      expect(a.events.messages.filter((m) => m.type === 'call_accepted')).toEqual([])
      await ok(a, 'end', { call_id: call.id })
      await ok(c, 'end', { call_id: call.id })
      const ended = await ok(d, 'end', { call_id: call.id })
      expect(ended).toMatchObject({ status: 'ended', end_reason: 'completed' })
    })

    it('ends a ringing group call as declined once its last callee declines', async () => {
      const [a, b, c] = await people(3)
      const call = await start(a, [b, c])
      await ok(b, 'decline', { call_id: call.id })
      // A ringing callee hanging up declines too.
      const ended = await ok(c, 'end', { call_id: call.id })
      expect(ended).toMatchObject({ status: 'ended', end_reason: 'declined' })
      expect(statuses(ended).map(([, , s]) => s)).toEqual(['left', 'declined', 'declined'])
      for (const who of [a, b, c])
        expect(callOf(await eventOf(who, 'call_declined', call.id, c.id))).toEqual(ended)
    })

    it('lets the caller cancel a ringing group call for everyone', async () => {
      const [a, b, c] = await people(3)
      const call = await start(a, [b, c])
      const ended = await ok(a, 'end', { call_id: call.id })
      expect(ended).toMatchObject({ status: 'ended', end_reason: 'cancelled' })
      expect(statuses(ended).map(([, , s]) => s)).toEqual(['left', 'missed', 'missed'])
      for (const who of [b, c]) await eventOf(who, 'call_ended', call.id, a.id)
    })

    it('admits exactly the joined participants to the room; others are closed with 4403', async () => {
      const [a, b, c, d, stranger] = await people(5)
      const call = await groupCall(a, [b], [c, d])
      await ok(d, 'decline', { call_id: call.id })
      const refused = async (who: Person) => {
        const socket = new TestSocket(
          `${who.node.wsUrl}/ws/call/${call.room_id}?token=${who.auth.token}`,
        )
        return (await socket.closed).code
      }
      // A stranger, a callee still ringing (c), one who declined (d).
      expect(await refused(stranger)).toBe(CloseCode.forbidden)
      expect(await refused(c)).toBe(CloseCode.forbidden)
      expect(await refused(d)).toBe(CloseCode.forbidden)
      const sa = await joinRoom(a, call)
      const sb = await joinRoom(b, call)
      await sa.ofType('peer_joined')
      // Once c accepts, c is let in.
      await ok(c, 'accept', { call_id: call.id })
      const sc = await joinRoom(c, call)
      expect(
        new Set([
          (await sc.ofType('peer_joined')).user_id,
          (await sc.ofType('peer_joined')).user_id,
        ]),
      ).toEqual(new Set([a.id, b.id]))
      for (const s of [sa, sb, sc]) s.close()
      await ok(a, 'end', { call_id: call.id })
      await ok(b, 'end', { call_id: call.id })
      await ok(c, 'end', { call_id: call.id })
    })

    it('delivers a message with `to` to that member only, and without `to` to every other', async () => {
      const [a, b, c, outsider] = await people(4)
      const call = await groupCall(a, [b, c])
      const sa = await joinRoom(a, call)
      const sb = await joinRoom(b, call)
      const sc = await joinRoom(c, call)
      const offer = envelope(
        'offer',
        call.room_id,
        { type: 'offer', sdp: 'v=0 for b' },
        { to: b.id },
      )
      sa.send(offer)
      const got = await sb.ofType('offer')
      expect(got).toEqual({
        type: 'offer',
        call_id: call.room_id,
        user_id: a.id,
        to: b.id,
        data: { type: 'offer', sdp: 'v=0 for b' },
        timestamp: offer.timestamp,
      })
      // Then a broadcast: c gets it, and nothing before it (the offer was not for c).
      sa.send(envelope('media_state', call.room_id, { audio: true, video: false }))
      const first = await sc.next((m) => m.type !== 'peer_joined')
      expect(first).toMatchObject({ type: 'media_state', user_id: a.id })
      expect(first.to).toBeUndefined()
      expect(await sb.ofType('media_state')).toMatchObject({ user_id: a.id })
      // An upper-case uuid names the same member.
      sc.send(envelope('answer', call.room_id, { sdp: 'v=0 c' }, { to: a.id.toUpperCase() }))
      expect(await sa.ofType('answer')).toMatchObject({ user_id: c.id, to: a.id })

      // `to` naming someone not in the room, or the sender: an error, nothing relayed.
      for (const to of [outsider.id, a.id]) {
        sa.send(envelope('ice_candidate', call.room_id, { candidate: 'candidate:1' }, { to }))
        expect((await sa.ofType('error')).data).toMatchObject({ code: 'recipient_not_in_room' })
      }
      sa.send(envelope('ice_candidate', call.room_id, { candidate: 'candidate:1' }, { to: 'nope' }))
      expect((await sa.ofType('error')).data).toMatchObject({ code: 'invalid_input' })
      // b leaves the room: b can't be addressed any more.
      sb.send(envelope('leave', call.room_id))
      await sa.ofType('peer_left')
      sa.send(envelope('ice_candidate', call.room_id, { candidate: 'candidate:2' }, { to: b.id }))
      expect((await sa.ofType('error')).data).toMatchObject({ code: 'recipient_not_in_room' })
      for (const s of [sb, sc]) await roundTrip(s)
      expect([...sb.messages, ...sc.messages].filter((m) => m.type === 'ice_candidate')).toEqual([])
      // Messages keep their order for the one addressed: 20 addressed frames arrive 0..19.
      for (let i = 0; i < 20; i++)
        sa.send(
          envelope('ice_candidate', call.room_id, { candidate: `candidate:${i}` }, { to: c.id }),
        )
      for (let i = 0; i < 20; i++)
        expect((await sc.ofType('ice_candidate')).data).toEqual({ candidate: `candidate:${i}` })
      for (const s of [sa, sb, sc]) s.close()
      await ok(a, 'end', { call_id: call.id })
      await ok(c, 'end', { call_id: call.id })
    })

    it('goes on when one leaves (they are closed out of the room and free), ends below two', async () => {
      const [a, b, c] = await people(3)
      const call = await groupCall(a, [b, c])
      const sa = await joinRoom(a, call)
      const sb = await joinRoom(b, call)
      const sc = await joinRoom(c, call)
      const left = await ok(c, 'end', { call_id: call.id })
      expect(left.status).toBe('in_progress')
      expect(statuses(left).map(([, , s]) => s)).toEqual(['joined', 'joined', 'left'])
      for (const who of [a, b, c])
        expect(callOf(await eventOf(who, 'participant_left', call.id, c.id))).toEqual(left)
      expect((await sc.closed).code).toBe(CloseCode.callEnded)
      expect((await sa.ofType('peer_left')).user_id).toBe(c.id)
      // c may not come back in, is free, and no longer sees the call as active.
      const again = new TestSocket(`${c.node.wsUrl}/ws/call/${call.room_id}?token=${c.auth.token}`)
      expect((await again.closed).code).toBe(CloseCode.forbidden)
      expect(await active(c)).toEqual([])
      expect((await ok(c, 'end', { call_id: call.id })).status).toBe('in_progress') // idempotent
      const other = await start(c, [await person()])
      await ok(c, 'end', { call_id: other.id })

      const ended = await ok(b, 'end', { call_id: call.id })
      expect(ended).toMatchObject({ status: 'ended', end_reason: 'completed' })
      expect(statuses(ended).map(([, , s]) => s)).toEqual(['left', 'left', 'left'])
      for (const who of [a, b]) await eventOf(who, 'call_ended', call.id, b.id)
      expect((await sa.closed).code).toBe(CloseCode.callEnded)
      expect((await sb.closed).code).toBe(CloseCode.callEnded)
    })

    it('invites into a call in progress: participants only, free people only, up to four', async () => {
      const [a, b, c, d, e, busyOne, busyPeer] = await people(7)
      const ringing = await start(a, [b])
      await eventOf(a, 'incoming_call', ringing.id)
      // Not while it rings: only a call in progress takes more people.
      const early = await a.post('invite', { call_id: ringing.id, user_id: c.id })
      expect([early.status, early.body.error.code]).toEqual([409, 'conflict'])
      let call = await ok(b, 'accept', { call_id: ringing.id })
      const cases: [Person, unknown, number, string][] = [
        [c, { call_id: call.id, user_id: d.id }, 403, 'forbidden'], // not a participant
        [a, { call_id: call.id, user_id: a.id }, 400, 'invalid_input'],
        [a, { call_id: call.id, user_id: b.id }, 409, 'conflict'], // already in it
        [a, { call_id: call.id, user_id: 'nope' }, 400, 'invalid_input'],
        [a, { call_id: call.id }, 400, 'invalid_input'],
        [a, { call_id: 999_999_999, user_id: c.id }, 404, 'not_found'],
        [
          a,
          { call_id: call.id, user_id: '00000000-0000-4000-8000-000000000000' },
          404,
          'not_found',
        ],
      ]
      for (const [who, body, status, code] of cases) {
        const answer = await who.post('invite', body)
        expect(answer.status, JSON.stringify(body)).toBe(status)
        expect(answer.body.error.code, JSON.stringify(body)).toBe(code)
      }
      // Busy rules: someone in another call can't be rung in.
      const other = await start(busyOne, [busyPeer])
      const busy = await a.post('invite', { call_id: call.id, user_id: busyPeer.id })
      expect([busy.status, busy.body.error.code]).toEqual([409, 'busy'])
      await ok(busyOne, 'end', { call_id: other.id })

      call = await ok(b, 'invite', { call_id: call.id, user_id: c.id })
      expect(statuses(call)[2]).toEqual([c.id, 'callee', 'invited'])
      const rung = await eventOf(c, 'incoming_call', call.id, b.id)
      expect(callOf(rung)).toEqual(call)
      for (const who of [a, b])
        expect(callOf(await eventOf(who, 'participant_invited', call.id, c.id))).toEqual(call)
      // Only c is rung: the others get no incoming_call for it.
      expect(a.events.messages.filter((m) => m.type === 'incoming_call')).toEqual([])
      // c declines; then c is invited again (same place), then d: four in all.
      await ok(c, 'decline', { call_id: call.id })
      call = await ok(a, 'invite', { call_id: call.id, user_id: c.id })
      expect(statuses(call)[2]).toEqual([c.id, 'callee', 'invited'])
      call = await ok(a, 'invite', { call_id: call.id, user_id: d.id })
      expect(call.participants).toHaveLength(4)
      // A fifth is refused, even though c is only ringing.
      const full = await a.post('invite', { call_id: call.id, user_id: e.id })
      expect([full.status, full.body.error.code]).toEqual([409, 'call_full'])
      // The invitees answer for themselves; an accept is participant_joined to all.
      call = await ok(c, 'accept', { call_id: call.id })
      for (const who of [a, b, c, d]) await eventOf(who, 'participant_joined', call.id, c.id)
      call = await ok(d, 'accept', { call_id: call.id })
      expect(statuses(call).map(([, , s]) => s)).toEqual(['joined', 'joined', 'joined', 'joined'])
      for (const who of [a, b, c, d]) await ok(who, 'end', { call_id: call.id })
      // Invites race for the last place: exactly one wins.
      const [f, g, h, i, j] = await people(5)
      const race = await groupCall(f, [g, h])
      const results = await Promise.all(
        [i, j].map((x) => f.post('invite', { call_id: race.id, user_id: x.id })),
      )
      expect(results.map((r) => r.status).sort()).toEqual([200, 409])
      for (const who of [f, g, h]) await ok(who, 'end', { call_id: race.id })
    })

    it('lists a group call in /calls/active with statuses, and lets a reloaded participant rejoin', async () => {
      const [a, b, c, d] = await people(4)
      const call = await groupCall(a, [b, c], [d])
      await ok(d, 'decline', { call_id: call.id })
      for (const who of [a, b, c]) {
        const [found] = await active(who)
        expect(found?.id).toBe(call.id)
        expect(statuses(found as Call).map(([, , s]) => s)).toEqual([
          'joined',
          'joined',
          'joined',
          'declined',
        ])
      }
      expect(await active(d)).toEqual([])
      const sa = await joinRoom(a, call)
      const sb = await joinRoom(b, call)
      let sc = await joinRoom(c, call)
      // c's app dies without a word, and comes back: still joined, found in /calls/active.
      for (const s of [sa, sb]) s.messages.splice(0)
      sc.socket.terminate()
      expect((await sa.ofType('peer_left')).user_id).toBe(c.id)
      expect((await active(c)).map((x) => x.id)).toEqual([call.id])
      sc = await joinRoom(c, call)
      expect((await sa.ofType('peer_joined')).user_id).toBe(c.id)
      expect((await sb.next((m) => m.type === 'peer_joined' && m.user_id === c.id)).user_id).toBe(
        c.id,
      )
      sc.send(envelope('offer', call.room_id, { sdp: 'v=0 again' }, { to: a.id }))
      expect((await sa.ofType('offer')).user_id).toBe(c.id)
      for (const s of [sa, sb, sc]) s.close()
      for (const who of [a, b, c]) await ok(who, 'end', { call_id: call.id })
    })

    it('counts history and stats per participant', async () => {
      const [a, b, c, d] = await people(4)
      const call = await start(a, [b, c, d])
      await ok(b, 'decline', { call_id: call.id })
      await ok(c, 'accept', { call_id: call.id })
      await ok(a, 'end', { call_id: call.id })
      const ended = await ok(c, 'end', { call_id: call.id })
      // d was still ringing when it ended: d missed it.
      expect(statuses(ended).map(([, , s]) => s)).toEqual(['left', 'declined', 'left', 'missed'])
      const stats = async (who: Person) =>
        (
          await who.node.request<HistoryResponse>(
            'GET',
            '/api/v1/calls/history?page=1&limit=10',
            undefined,
            who.auth.token,
          )
        ).body
      const expected: [Person, Record<string, number>][] = [
        [a, { total_calls: 1, completed: 1, declined: 0, missed: 0 }],
        [b, { total_calls: 1, completed: 0, declined: 1, missed: 0 }],
        [c, { total_calls: 1, completed: 1, declined: 0, missed: 0 }],
        [d, { total_calls: 1, completed: 0, declined: 0, missed: 1 }],
      ]
      for (const [who, counts] of expected) {
        const history = await stats(who)
        expect(history.stats).toMatchObject(counts)
        expect(history.calls.map((x) => x.id)).toEqual([call.id])
        expect(history.calls[0]).toEqual(ended)
      }
      expect((await stats(b)).stats.total_duration_s).toBe(0)
    })

    it('keeps 1:1 calls as they were: callee_id, four events, no participant_* pushes', async () => {
      const [a, b] = await people(2)
      const { status, body } = await a.post('start', { callee_id: b.id, call_type: 'audio' })
      expect(status).toBe(201)
      const call = body.call
      expect(statuses(call)).toEqual([
        [a.id, 'caller', 'joined'],
        [b.id, 'callee', 'invited'],
      ])
      // The original contract lets both people of a 1:1 call into its room, even while it rings.
      const sb = await joinRoom(b, call)
      const sa = await joinRoom(a, call)
      await sb.ofType('peer_joined')
      sa.send(envelope('offer', call.room_id, { sdp: 'v=0' }))
      expect(await sb.ofType('offer')).not.toHaveProperty('to')
      await ok(b, 'accept', { call_id: call.id })
      await ok(b, 'end', { call_id: call.id })
      for (const who of [a, b]) {
        await eventOf(who, 'call_ended', call.id)
        const types = who.events.messages.filter((m) => callOf(m).id === call.id).map((m) => m.type)
        expect(types.every((t) => !String(t).startsWith('participant_'))).toBe(true)
      }
      expect((await sa.closed).code).toBe(CloseCode.callEnded)
      sb.close()
    })
  })
}

// A group call nobody is in any more (every app crashed) ends as `interrupted` after the grace,
// as a 1:1 call does; one person still in the room keeps it (they may wait for the others).
describe('group calls whose room empties', async () => {
  const GRACE_S = 1
  const t = await startServer({ ringTimeoutS: 600 }, { EMPTY_ROOM_TIMEOUT_S: String(GRACE_S) })

  it('ends as interrupted once every joined participant has been gone for the grace', async () => {
    const [a, b, c] = await Promise.all([t.register(), t.register(), t.register()])
    const post = (who: AuthResponse, path: string, body: unknown) =>
      t.request<Answer>('POST', `/api/v1/calls/${path}`, body, who.token)
    const call = (
      await post(a, 'start', { callee_ids: [b.user.id, c.user.id], call_type: 'video' })
    ).body.call
    await post(b, 'accept', { call_id: call.id })
    await post(c, 'accept', { call_id: call.id })
    const events = new TestSocket(`${t.wsUrl}/ws/events?token=${a.token}`)
    await events.opened
    const room = await Promise.all(
      [a, b, c].map(async (who) => {
        const s = new TestSocket(`${t.wsUrl}/ws/call/${call.room_id}?token=${who.token}`)
        await s.opened
        s.send(envelope('join', call.room_id))
        return s
      }),
    )
    for (const s of room) s.socket.terminate()
    const ended = callOf(await events.ofType('call_ended', 10_000))
    expect(ended).toMatchObject({ id: call.id, end_reason: 'interrupted' })
    expect(statuses(ended).map(([, , s]) => s)).toEqual(['left', 'left', 'left'])
    // Everyone is free again.
    expect(
      (await post(b, 'start', { callee_ids: [a.user.id, c.user.id], call_type: 'audio' })).status,
    ).toBe(201)
    events.close()
  })
})
