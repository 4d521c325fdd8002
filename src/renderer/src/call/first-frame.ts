/**
 * The first video frame, sooner. Chrome's encoder starts at ~300 kbps, and at 720p its initial
 * frame dropper discards the first frames and scales down before anything is sent: ~200 ms after
 * DTLS on loopback with nothing else running (bench:call's floor). A sender that starts at half
 * resolution skips that drop (its first frame ~70 ms after DTLS); full resolution returns once the
 * bandwidth estimate has had time to ramp up, and Chrome's quality scaler adapts from there.
 */
export const START_SCALE = 2
/** Heights at or below this start at full resolution (nothing to gain). */
const MIN_SCALED_HEIGHT = 360
/**
 * A group call sends each person the camera at this downscale (720p → 360p) for good: a mesh
 * encodes one stream per person and sends them all up one uplink, three 720p streams in a
 * four-way call, and a grid tile shows no more than 360p.
 */
export const GROUP_SEND_SCALE = 2
/** After the connection is up: by then the bandwidth estimate allows more than the start rate. */
export const FULL_RESOLUTION_AFTER_MS = 2000

type Sender = Partial<Pick<RTCRtpSender, 'getParameters' | 'setParameters'>>

/** Whether a camera track is worth sending at reduced resolution (at the start, in a group). */
export function startsScaled(track: MediaStreamTrack): boolean {
  if (track.kind !== 'video' || typeof track.getSettings !== 'function') return false
  return (track.getSettings().height ?? 0) > MIN_SCALED_HEIGHT
}

/** Sets every encoding's downscale factor; never throws (a closed or fake sender is left alone). */
export async function scaleSender(sender: Sender, scale: number): Promise<void> {
  if (!sender.getParameters || !sender.setParameters) return
  try {
    const params = sender.getParameters()
    if (!params.encodings?.length) return
    for (const encoding of params.encodings) encoding.scaleResolutionDownBy = scale
    await sender.setParameters(params)
  } catch {
    // Closed meanwhile, or a browser without per-encoding scaling: full resolution from the start.
  }
}
