import { useEffect, useRef, type ReactElement } from 'react'

interface Props {
  stream: MediaStream | null
  muted?: boolean
  mirrored?: boolean
  className?: string
  label: string
  /** Audio output device (setSinkId), when the browser supports choosing one. */
  sinkId?: string | null
  onElement?: (el: HTMLVideoElement | null) => void
  testId?: string
}

/** A <video> bound to a MediaStream; presentational, no store access. */
export function MediaView({
  stream,
  muted = false,
  mirrored = false,
  className = '',
  label,
  sinkId,
  onElement,
  testId,
}: Props): ReactElement {
  const ref = useRef<HTMLVideoElement | null>(null)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    if (el.srcObject !== stream) el.srcObject = stream
    if (stream) void el.play().catch(() => undefined)
  }, [stream])
  useEffect(() => {
    const el = ref.current
    if (!el || sinkId === undefined || !('setSinkId' in el)) return
    // A mid-call switch was already applied (and its failure reported) by the controller.
    if (el.sinkId === (sinkId ?? '')) return
    void el.setSinkId(sinkId ?? '').catch(() => undefined)
  }, [sinkId])
  useEffect(() => {
    onElement?.(ref.current)
    return () => onElement?.(null)
  }, [onElement])
  return (
    <video
      ref={ref}
      className={`media ${mirrored ? 'mirrored' : ''} ${className}`}
      autoPlay
      playsInline
      muted={muted}
      aria-label={label}
      data-testid={testId}
    />
  )
}
