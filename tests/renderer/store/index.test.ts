import { describe, expect, it } from 'vitest'
import type { Call, User } from 'veracall-signaling/protocol'
import { createAppStore } from '../../../src/renderer/src/store/index.js'
import {
  selectHistoryPages,
  selectInCall,
  selectPeerName,
  selectQualityLevel,
  selectRecentPeople,
} from '../../../src/renderer/src/store/selectors.js'
import { bob, me as alice } from '../fakes/controller-harness.js'

const carol: User = {
  id: '00000000-0000-4000-8000-00000000000c',
  username: 'carol',
  display_name: '',
}

const call = (id: number, caller: User, callee: User, extra: Partial<Call> = {}): Call => ({
  id,
  room_id: `room_${String(id).padStart(8, '0')}`,
  caller_id: caller.id,
  callee_id: callee.id,
  caller,
  callee,
  call_type: 'video',
  status: 'waiting',
  created_at: '2026-11-25T10:00:00Z',
  ...extra,
})

describe('session slice', () => {
  it('goes signed_out → working → signed_in → signed_out', () => {
    const store = createAppStore()
    const s = store.getState
    s().authStarted()
    expect(s().authStatus).toBe('working')
    s().authFailed({ code: 'invalid_credentials', message: 'no' })
    expect(s()).toMatchObject({
      authStatus: 'signed_out',
      authError: { code: 'invalid_credentials' },
    })
    s().signedIn(alice, 'http://localhost:8000')
    expect(s()).toMatchObject({ authStatus: 'signed_in', user: alice, authError: null })
    s().signedOut()
    expect(s().user).toBeNull()
  })
})

describe('call slice', () => {
  it('the quality level selector returns the same value across samples of one level', () => {
    // CallScreen subscribes to the level only, so equal levels must compare equal (no re-render).
    const store = createAppStore()
    const s = store.getState
    expect(selectQualityLevel(s())).toBe('unknown')
    const sample = { rttMs: 20, lossPct: 0, bitrateKbps: 900, width: 640, height: 480, fps: 30 }
    s().setQuality({ ...sample, at: 1, level: 'good' })
    const first = selectQualityLevel(s())
    s().setQuality({ ...sample, at: 2, rttMs: 30, level: 'good' })
    expect(selectQualityLevel(s())).toBe(first)
    s().setQuality({ ...sample, at: 3, rttMs: 300, level: 'fair' })
    expect(selectQualityLevel(s())).toBe('fair')
  })

  it('the quality chip says poor while media is reconnecting, not its last sample', () => {
    const store = createAppStore()
    const s = store.getState
    const sample = { rttMs: 20, lossPct: 0, bitrateKbps: 900, width: 640, height: 480, fps: 30 }
    s().setQuality({ ...sample, at: 1, level: 'good' })
    s().setReconnecting('media')
    expect(selectQualityLevel(s())).toBe('poor')
    s().setReconnecting('peer')
    expect(selectQualityLevel(s())).toBe('poor')
    // Only the signaling socket dropped: media, and so the sample, still holds.
    s().setReconnecting('signaling')
    expect(selectQualityLevel(s())).toBe('good')
    s().setReconnecting(null)
    expect(selectQualityLevel(s())).toBe('good')
  })

  it('outgoing → active on first connection, timer kept across reconnects, → ended → idle', () => {
    const store = createAppStore()
    const s = store.getState
    s().callOutgoing(bob, 'video')
    expect(s().phase).toBe('outgoing')
    expect(selectPeerName(s())).toBe('Bob')
    s().callCreated(call(1, alice, bob))
    s().callAccepted(call(1, alice, bob, { status: 'in_progress' }))
    expect(s().phase).toBe('connecting')
    expect(selectInCall(s())).toBe(true)
    s().setConnectionState('connected')
    expect(s().phase).toBe('active')
    const since = s().connectedAt
    expect(since).not.toBeNull()
    s().setConnectionState('disconnected')
    s().setConnectionState('connected')
    expect(s().connectedAt).toBe(since)
    s().callFinished(
      {
        callId: 1,
        peer: bob,
        people: [bob],
        callType: 'video',
        direction: 'outgoing',
        reason: 'completed',
        durationS: 12,
        quality: null,
      },
      null,
    )
    expect(s()).toMatchObject({ phase: 'ended', localStream: null, remoteStream: null })
    s().dismissSummary()
    expect(s()).toMatchObject({ phase: 'idle', summary: null })
  })

  it('an audio call starts with the camera off and the remote video off', () => {
    const store = createAppStore()
    store.getState().callIncoming(call(2, bob, alice, { call_type: 'audio' }), bob)
    expect(store.getState()).toMatchObject({
      phase: 'incoming',
      direction: 'incoming',
      callType: 'audio',
      cameraEnabled: false,
      remoteMedia: { audio: true, video: false },
    })
  })

  it('a call that never connected ends with a notice, not a summary', () => {
    const store = createAppStore()
    store.getState().callIncoming(call(3, bob, alice), bob)
    store.getState().callFinished(null, { kind: 'missed', peerNames: ['Bob'], at: 1 })
    expect(store.getState()).toMatchObject({
      phase: 'idle',
      notice: { kind: 'missed' },
      summary: null,
    })
    store.getState().dismissNotice()
    expect(store.getState().notice).toBeNull()
  })
})

describe('devices slice', () => {
  it('forgets a chosen device once it is unplugged', () => {
    const store = createAppStore()
    const cam = { deviceId: 'cam1', label: 'Camera' }
    store.getState().setDevices({ cameras: [cam], microphones: [], speakers: [] })
    store.getState().selectDevice('camera', 'cam1')
    store.getState().selectDevice('speaker', 'spk')
    expect(store.getState().cameraId).toBe('cam1')
    store.getState().setDevices({ cameras: [], microphones: [], speakers: [] })
    expect(store.getState()).toMatchObject({ cameraId: null, speakerId: null })
  })
})

describe('contacts slice', () => {
  it('drops results that arrive for an older query', () => {
    const store = createAppStore()
    store.getState().setQuery('bo')
    store.getState().setQuery('bob')
    store.getState().searchDone('bo', [carol])
    expect(store.getState().results).toEqual([])
    store.getState().searchDone('bob', [bob])
    expect(store.getState().results).toEqual([bob])
  })
})

describe('history slice and selectors', () => {
  it('pages and lists recent distinct people, newest first', () => {
    const store = createAppStore()
    store.getState().signedIn(alice, 'http://x')
    store.getState().historyStarted(1)
    expect(store.getState().historyLoading).toBe(true)
    const stats = {
      total_calls: 23,
      completed: 20,
      missed: 2,
      declined: 1,
      total_duration_s: 600,
      avg_duration_s: 30,
    }
    store
      .getState()
      .historyLoaded(
        1,
        [call(5, alice, bob), call(4, carol, alice), call(3, bob, alice)],
        23,
        stats,
      )
    expect(selectHistoryPages(store.getState())).toBe(3)
    expect(selectRecentPeople(store.getState()).map((u) => u.username)).toEqual(['bob', 'carol'])
    store.getState().historyFailed({ code: 'internal_error', message: 'boom' })
    expect(store.getState()).toMatchObject({
      historyLoading: false,
      historyError: { code: 'internal_error' },
    })
  })
})
