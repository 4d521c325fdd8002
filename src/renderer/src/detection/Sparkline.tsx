import type { ReactElement } from 'react'

/** The last minute of smoothed risk (0..1), gaps where there was no data. */
export function Sparkline(props: {
  values: (number | null)[]
  label: string
  width?: number
  height?: number
}): ReactElement {
  const { values, label, width = 120, height = 28 } = props
  const n = Math.max(values.length - 1, 1)
  const segments: string[] = []
  let current = ''
  values.forEach((v, i) => {
    if (v === null) {
      if (current) segments.push(current)
      current = ''
      return
    }
    const x = ((i / n) * (width - 2) + 1).toFixed(1)
    const y = ((1 - v) * (height - 2) + 1).toFixed(1)
    current += `${current ? ' L' : 'M'}${x},${y}`
  })
  if (current) segments.push(current)
  return (
    <svg
      className="security-sparkline"
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
    >
      <rect
        x="0"
        y="0"
        width={width}
        height={height}
        fill="none"
        stroke="currentColor"
        strokeOpacity="0.2"
      />
      {segments.map((d, i) => (
        <path key={i} d={d} fill="none" stroke="currentColor" strokeWidth="1.5" />
      ))}
    </svg>
  )
}
