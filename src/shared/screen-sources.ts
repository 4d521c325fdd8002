/**
 * The desktop app's screen-share picker contract: what main lists from desktopCapturer and what
 * the renderer may answer. Isomorphic (no Node, Electron or DOM imports); ipc-contract.ts uses it.
 */
import Type from 'typebox'

const strict = { additionalProperties: false } as const

/** At most this many screens and windows are offered (the rest would not fit a picker anyway). */
export const MAX_SCREEN_SOURCES = 48
/** A thumbnail's largest JPEG; main encodes at THUMBNAIL_SIZE, far below it. */
export const MAX_THUMBNAIL_BYTES = 256 * 1024
export const THUMBNAIL_SIZE = { width: 320, height: 180 } as const
/** Longest window title shown; main cuts a longer one. */
export const MAX_SOURCE_NAME_LENGTH = 200

/** desktopCapturer's id: `screen:<n>:<n>` or `window:<n>:<n>`. */
export const ScreenSourceId = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^(screen|window):[0-9]+(:[0-9]+)?$',
})

/** JPEG bytes (a Uint8Array; Electron's Buffer is one), shown through a blob: URL. */
const Thumbnail = Type.Refine(
  Type.Unsafe<Uint8Array>({}),
  (value) => value instanceof Uint8Array && value.byteLength <= MAX_THUMBNAIL_BYTES,
)

export const ScreenSource = Type.Object(
  {
    id: ScreenSourceId,
    kind: Type.Union([Type.Literal('screen'), Type.Literal('window')]),
    name: Type.String({ maxLength: MAX_SOURCE_NAME_LENGTH }),
    thumbnail: Thumbnail,
  },
  strict,
)
export type ScreenSource = Type.Static<typeof ScreenSource>

export const ScreenSources = Type.Array(ScreenSource, { maxItems: MAX_SCREEN_SOURCES })
