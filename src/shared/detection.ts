/**
 * The contract between the call screen and whatever runs the deepfake detector: Electron's main
 * process (through the preload API) or, in the plain web build, a small local bridge. Isomorphic.
 * Each shape is one TypeBox schema and its type is derived from it, so what main validates at the
 * IPC boundary (ipc-contract.ts) and what the renderer and the detector are typed against cannot
 * drift apart.
 */
import Type from 'typebox'
import { CallId, ChallengeKindSchema, type ChallengeKind } from 'veracall-signaling/protocol'

export type { ChallengeKind }

const strict = { additionalProperties: false } as const

/** Largest frame main accepts: RGBA, long side ≤ 640 px. */
export const MAX_FRAME_SIDE = 640
export const MAX_FRAME_BYTES = MAX_FRAME_SIDE * MAX_FRAME_SIDE * 4

/**
 * Web bridge binary frame: this many bytes of little-endian header
 * [callId f64, timestampMs f64, width u32, height u32], then width × height × 4 RGBA bytes.
 */
export const FRAME_HEADER_BYTES = 24

/** Longest unavailable-detector detail (`DetectorStatus.reason`) that crosses the boundary. */
export const MAX_REASON_LENGTH = 512

/** Most timeline points a report may carry across the boundary. */
export const MAX_REPORT_TIMELINE = 100_000

export const RiskLevel = Type.Union([
  Type.Literal('off'),
  Type.Literal('unavailable'),
  Type.Literal('analysing'),
  Type.Literal('no_face'),
  Type.Literal('insufficient_quality'),
  Type.Literal('low'),
  Type.Literal('elevated'),
  Type.Literal('high'),
])
export type RiskLevel = Type.Static<typeof RiskLevel>

const ModelInfo = Type.Union([
  Type.Object(
    { name: Type.String({ maxLength: 128 }), version: Type.String({ maxLength: 64 }) },
    strict,
  ),
  Type.Null(),
])
/** A smoothed P(fake)-like score in [0, 1], or null while there is no data. */
const Score = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()])

export const ChallengeStatus = Type.Object(
  {
    kind: ChallengeKindSchema,
    /** passed: the move was seen and the face held; broke_up: it did not hold (raises the risk). */
    state: Type.Union([
      Type.Literal('running'),
      Type.Literal('passed'),
      Type.Literal('not_done'),
      Type.Literal('broke_up'),
    ]),
    turned: Type.Boolean(),
    occluded: Type.Boolean(),
  },
  strict,
)
export type ChallengeStatus = Type.Static<typeof ChallengeStatus>

/**
 * Why the detector cannot run, as a code each UI words in the user's language (the renderer's
 * `security.reasons.*`), so no English detail ends up inside a translated sentence.
 */
export const DetectorUnavailableCode = Type.Union([
  /** Detection is turned off in Settings. */
  Type.Literal('turned_off'),
  /** This build has no detector. */
  Type.Literal('not_in_build'),
  /** The detector (process or module) failed to start. */
  Type.Literal('failed_to_start'),
  /** The model folder lacks model.json or model.onnx. */
  Type.Literal('model_missing'),
  /** model.json or model.onnx is not a model this app can run (the detail says what). */
  Type.Literal('model_invalid'),
  /** The model stopped the detector process every time it loaded. */
  Type.Literal('model_crashed'),
  /** Web build: the page is not served from this computer. */
  Type.Literal('web_remote_page'),
  /** Web build: no detector bridge answers on this server. */
  Type.Literal('web_bridge_unreachable'),
])
export type DetectorUnavailableCode = Type.Static<typeof DetectorUnavailableCode>

export const DetectorStatus = Type.Object(
  {
    available: Type.Boolean(),
    /**
     * Technical detail of why it is unavailable (English, for logs and a details line), or, from
     * a port without `code`, a code itself. A UI words `code` and shows this apart from its sentence.
     */
    reason: Type.Optional(Type.String({ maxLength: MAX_REASON_LENGTH })),
    /** Why it is unavailable, as a code the UI words (added alongside `reason`, which it keeps). */
    code: Type.Optional(DetectorUnavailableCode),
    model: ModelInfo,
    fps: Type.Number({ minimum: 0 }),
  },
  strict,
)
export type DetectorStatus = Type.Static<typeof DetectorStatus>

export const RiskUpdate = Type.Object(
  {
    callId: CallId,
    level: RiskLevel,
    score: Score,
    /** Recent smoothed scores for the sparkline (oldest first), null for no-data points. */
    history: Type.Array(Score, { maxItems: 1024 }),
    model: ModelInfo,
    /** The latest Verify challenge of this call, while it runs and once judged. */
    challenge: Type.Optional(ChallengeStatus),
  },
  strict,
)
export type RiskUpdate = Type.Static<typeof RiskUpdate>

/**
 * What the person said when they compared the call's verification code with the other person
 * (src/shared/verification-code.ts): the code shown and whether the two matched.
 */
export const VerificationRecord = Type.Object(
  {
    code: Type.String({ pattern: '^[0-9]{3} [0-9]{3}$' }),
    result: Type.Union([Type.Literal('match'), Type.Literal('mismatch')]),
    at: Type.Number(),
  },
  strict,
)
export type VerificationRecord = Type.Static<typeof VerificationRecord>

/**
 * Whose face a report is about: the remote person's user id and the name shown for them. Added by
 * the renderer (one detector session per remote face); absent from reports filed before group calls.
 */
export const ReportPeer = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }), name: Type.String({ maxLength: 256 }) },
  strict,
)
export type ReportPeer = Type.Static<typeof ReportPeer>

export const SecurityReport = Type.Object(
  {
    /** The call's id once filed (the detector answers with its session number here). */
    callId: CallId,
    peer: Type.Optional(ReportPeer),
    model: ModelInfo,
    startedAt: Type.Number(),
    endedAt: Type.Number(),
    peakLevel: RiskLevel,
    peakScore: Score,
    /**
     * Share of analysed time at each level, 0..1, keyed by RiskLevel. Typed as the boundary checks
     * it (any short key), which is what main's report merging relies on.
     */
    shareByLevel: Type.Record(
      Type.String({ maxLength: 32 }),
      Type.Number({ minimum: 0, maximum: 1 }),
    ),
    timeline: Type.Array(
      Type.Object({ t: Type.Number(), level: RiskLevel, score: Score }, strict),
      { maxItems: MAX_REPORT_TIMELINE },
    ),
    /** Added by the renderer when the person compared the verification code (absent before). */
    verification: Type.Optional(VerificationRecord),
  },
  strict,
)
export type SecurityReport = Type.Static<typeof SecurityReport>

/**
 * The one frame-size rule, applied where frames cross into main (IPC validation, the web
 * bridge): whole sides of 1..MAX_FRAME_SIDE px and exactly width × height RGBA bytes.
 */
export function isFrameSize(width: number, height: number, byteLength: number): boolean {
  const side = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= MAX_FRAME_SIDE
  return side(width) && side(height) && byteLength === width * height * 4
}

/** The pixels of one frame: an ArrayBuffer (structured-cloned or transferred). */
const FrameData = Type.Refine(Type.Unsafe<ArrayBuffer>({}), (value) => value instanceof ArrayBuffer)
/** One RGBA frame of the remote video, long side ≤ MAX_FRAME_SIDE. `data` is transferred, never copied. */
export const FrameInput = Type.Refine(
  Type.Object(
    {
      callId: CallId,
      width: Type.Integer(),
      height: Type.Integer(),
      timestampMs: Type.Number({ minimum: 0 }),
      data: FrameData,
    },
    strict,
  ),
  (f) => isFrameSize(f.width, f.height, f.data.byteLength),
)
export type FrameInput = Type.Static<typeof FrameInput>

/**
 * The port's `callId` is a detector session number: the renderer allocates one per remote face
 * (several per group call) and files each report under the real call id and peer.
 */
export interface DetectionPort {
  status(): Promise<DetectorStatus>
  startSession(callId: number): Promise<void>
  submitFrame(frame: FrameInput): Promise<void>
  endSession(callId: number): Promise<SecurityReport | null>
  onRisk(listener: (update: RiskUpdate) => void): () => void
  /**
   * Optional active check ("Verify"): the other person was asked (through the call room) to do
   * `kind`; analyse at the top rate while they do and judge what the face did.
   */
  verify?(callId: number, kind: ChallengeKind): Promise<void>
}
