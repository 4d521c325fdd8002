import { MAX_ERROR_MESSAGE_LENGTH } from './protocol/index.js'

/** The parts of a JSON-schema validation error that a message needs (Fastify's and TypeBox's shapes). */
export interface ValidationIssue {
  keyword: string
  instancePath: string
  schemaPath?: string
  params?: Record<string, unknown>
  message?: string
}

const MAX_ISSUES = 3
/** Field names come from the client, as long as it likes: quote only their start. */
const MAX_NAME_LENGTH = 64

/** `text` in at most `max` characters, ending with … when it had to be cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max - 1
  // Don't leave half of a surrogate pair before the ellipsis.
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--
  return `${text.slice(0, end)}…`
}

/**
 * Turns validator output into one sentence a person can act on:
 * `body: unknown field "role"; body.password: must not have fewer than 8 characters`.
 */
export function describeValidation(issues: readonly ValidationIssue[], where: string): string {
  const parts: string[] = []
  for (const issue of issues) {
    const path = `${where}${issue.instancePath.replaceAll('/', '.')}`
    const names = (key: string): string =>
      ((issue.params?.[key] as string[] | undefined) ?? [])
        .map((n) => `"${truncate(n, MAX_NAME_LENGTH)}"`)
        .join(', ')
    let text: string
    if (issue.keyword === 'additionalProperties')
      text = `${path}: unknown field ${names('additionalProperties')}`
    else if (issue.keyword === 'required')
      text = `${path}: missing field ${names('requiredProperties') || names('missingProperty')}`
    else if (issue.keyword === 'boolean' && issue.schemaPath?.endsWith('additionalProperties'))
      continue
    else text = `${path}: ${issue.message ?? 'is invalid'}`
    if (!parts.includes(text)) parts.push(text)
    if (parts.length === MAX_ISSUES) break
  }
  return truncate(
    parts.length > 0 ? parts.join('; ') : `${where} is invalid`,
    MAX_ERROR_MESSAGE_LENGTH,
  )
}
