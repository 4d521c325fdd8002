/** The parts of a JSON-schema validation error that a message needs (Fastify's and TypeBox's shapes). */
export interface ValidationIssue {
  keyword: string
  instancePath: string
  schemaPath?: string
  params?: Record<string, unknown>
  message?: string
}

const MAX_ISSUES = 3

/**
 * Turns validator output into one sentence a person can act on:
 * `body: unknown field "role"; body.password: must not have fewer than 8 characters`.
 */
export function describeValidation(issues: readonly ValidationIssue[], where: string): string {
  const parts: string[] = []
  for (const issue of issues) {
    const path = `${where}${issue.instancePath.replaceAll('/', '.')}`
    const names = (key: string): string =>
      ((issue.params?.[key] as string[] | undefined) ?? []).map((n) => `"${n}"`).join(', ')
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
  return parts.length > 0 ? parts.join('; ') : `${where} is invalid`
}
