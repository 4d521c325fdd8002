import Value from 'typebox/value'
import { Username } from 'veracall-signaling/protocol'

// The schema carries its keywords at run time; its static type does not name them.
const schema = Username as unknown as { minLength: number; maxLength: number; pattern: string }

/** The server's username rule (protocol `Username`), read from the schema itself. */
export const USERNAME_RULE = {
  min: schema.minLength,
  max: schema.maxLength,
  pattern: new RegExp(schema.pattern),
}

/**
 * Why the server would refuse `name` as a username, checked before sending so the message can say
 * which part of the rule it breaks: characters outside Latin letters, digits, `.`, `-`, `_` (a
 * name like "José" or "李雷" is refused for its characters, not its length), or its length.
 */
export function usernameProblem(name: string): 'username_chars' | 'username_length' | null {
  const valid: boolean = Value.Check(Username, name)
  if (valid) return null
  if (name.length > 0 && !USERNAME_RULE.pattern.test(name)) return 'username_chars'
  return 'username_length'
}
