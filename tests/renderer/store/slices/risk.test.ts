import { describe, expect, it } from 'vitest'
import { createAppStore } from '../../../../src/renderer/src/store/index.js'
import {
  IDLE_PEER_RISK,
  IDLE_RISK,
  riskLevel,
  selectPeerLevel,
  selectPeerRisk,
  shownLevel,
} from '../../../../src/renderer/src/store/slices/risk.js'
import type { RiskUpdate } from '../../../../src/shared/detection.js'

const update = (level: RiskUpdate['level']): RiskUpdate => ({
  callId: 1,
  level,
  score: 0.5,
  history: [0.5],
  model: null,
})

function groupCall() {
  const store = createAppStore()
  const available = { available: true, model: null, fps: 5 }
  store.getState().setRisk({ ...IDLE_RISK, detector: true, status: available })
  store.getState().setPeerRisk('bob', { name: 'Bob', update: update('low') })
  store.getState().setPeerRisk('cy', { name: 'Cy', update: update('high') })
  return store
}

describe('risk slice: one entry per remote face', () => {
  it('selects one person’s risk and level, leaving the others’ entries as they were', () => {
    const store = groupCall()
    const cyBefore = selectPeerRisk('cy')(store.getState())
    expect(selectPeerLevel('bob')(store.getState())).toBe('low')
    expect(selectPeerLevel('cy')(store.getState())).toBe('high')
    store.getState().setPeerRisk('bob', { screenShare: true })
    expect(selectPeerLevel('bob')(store.getState())).toBe('screen_share')
    // Cy's tile does not re-render for Bob's change: same object.
    expect(selectPeerRisk('cy')(store.getState())).toBe(cyBefore)
    expect(selectPeerRisk('bob')(store.getState())).toMatchObject({ name: 'Bob', verifying: false })
  })

  it('has no level for someone it checks no face of, and none after they left', () => {
    const store = groupCall()
    expect(selectPeerLevel('dee')(store.getState())).toBeNull()
    store.getState().removePeerRisk('bob')
    expect(selectPeerRisk('bob')(store.getState())).toBeUndefined()
    expect(Object.keys(store.getState().risk.peers)).toEqual(['cy'])
  })

  it('the call-wide switch and detector state override every person’s level', () => {
    const store = groupCall()
    store.getState().setRisk({ enabled: false })
    expect(selectPeerLevel('cy')(store.getState())).toBe('off')
    store.getState().setRisk({ enabled: true, status: { available: false, model: null, fps: 0 } })
    const { risk } = store.getState()
    expect(riskLevel(risk, risk.peers.cy)).toBe('unavailable')
    // A shared screen does not hide that the check cannot run.
    expect(shownLevel(risk, { ...IDLE_PEER_RISK, screenShare: true })).toBe('unavailable')
  })
})
