/** Frame size for the detector: ≤ 640 px on the long side, never enlarged. DOM-free. */
export const MAX_SIDE = 640

export function fitWithin(width: number, height: number, max = MAX_SIDE): [number, number] {
  const k = Math.min(1, max / Math.max(width, height, 1))
  return [Math.max(1, Math.round(width * k)), Math.max(1, Math.round(height * k))]
}
