/** Whether dist/ must be (re)built: missing, or older than a source or a tsconfig. */
export function isStale(dir?: string): boolean
/** 'fresh', 'built', or 'skipped' (optional and no TypeScript); throws when it can't build. */
export function buildIfStale(options?: {
  dir?: string
  optional?: boolean
}): 'fresh' | 'built' | 'skipped'
