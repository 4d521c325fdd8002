/** Frame size for the detector: ≤ MAX_FRAME_SIDE px on the long side, never enlarged. DOM-free. */
import { MAX_FRAME_SIDE } from '../../../shared/ipc-contract.js'

export function fitWithin(width: number, height: number, max = MAX_FRAME_SIDE): [number, number] {
  const k = Math.min(1, max / Math.max(width, height, 1))
  return [Math.max(1, Math.round(width * k)), Math.max(1, Math.round(height * k))]
}
