import type { Call, Participant } from 'veracall-signaling/protocol'

/**
 * Group calls are a full mesh: one peer connection per pair of people. Perfect negotiation needs
 * exactly one polite side per pair, and both sides must agree on it without talking: the caller
 * is impolite towards everyone (it offers, as in a 1:1 call, so a 1:1 call negotiates exactly as
 * before), and between two callees the one with the smaller user id is polite (it waits for the
 * other's offer). The polite side also awaits the first offer, so no pair ever glares.
 */
export function isPoliteTowards(call: Call, selfId: string, remoteId: string): boolean {
  if (selfId === call.caller_id) return false
  if (remoteId === call.caller_id) return true
  return selfId < remoteId
}

/** A group call: more than two people were ever invited (the layout and `to` addressing follow). */
export function isGroupCall(call: Call | null): boolean {
  return (call?.participants?.length ?? 0) > 2
}

/** The people of a call other than `selfId` who are in it or ringing, in the call's order. */
export function othersInCall(call: Call, selfId: string): Participant[] {
  return (call.participants ?? []).filter(
    (p) => p.user_id !== selfId && (p.status === 'joined' || p.status === 'invited'),
  )
}

/** `selfId` is ringing in this call (a callee, or someone invited into it later). */
export function isInvitee(call: Call, selfId: string): boolean {
  const people = call.participants
  if (!people) return call.callee_id === selfId
  return people.some((p) => p.user_id === selfId && p.status === 'invited')
}
