/** The DTLS certificate fingerprint of a description: it changes only with a new connection. */
export function fingerprintOf(sdp: string | undefined): string | null {
  if (!sdp) return null
  const m = /^a=fingerprint:(.+?)\s*$/m.exec(sdp)
  return m?.[1]?.toLowerCase() ?? null
}

/**
 * What the selected candidate pair has received so far (bytes plus STUN responses), or null when
 * there is no selected pair. A number that stops growing means the path died.
 */
export async function selectedPairProgress(
  pc: Pick<RTCPeerConnection, 'getStats'>,
): Promise<number | null> {
  let report: RTCStatsReport
  try {
    report = await pc.getStats()
  } catch {
    return null
  }
  const stats = [...(report as Map<string, Record<string, unknown>>).values()]
  const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId)
  const pair = transport
    ? stats.find((s) => s.id === transport.selectedCandidatePairId)
    : stats.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded')
  if (!pair) return null
  return Number(pair.bytesReceived ?? 0) + Number(pair.responsesReceived ?? 0)
}
