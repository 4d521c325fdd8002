import type { ReactElement } from 'react'

/** Initials on a colour derived from the user id, so a person keeps the same colour everywhere. */
export function Avatar({
  name,
  id,
  size = 'md',
}: {
  name: string
  id: string
  size?: 'sm' | 'md' | 'lg' | 'xl'
}): ReactElement {
  const initials =
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((p) => [...p][0]?.toUpperCase() ?? '')
      .join('') || '?'
  let hash = 0
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0
  return (
    <span className={`avatar avatar-${size} hue-${hash % 8}`} aria-hidden="true">
      {initials}
    </span>
  )
}
