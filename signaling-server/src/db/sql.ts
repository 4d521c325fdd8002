/**
 * SQL is only ever built with this tag, so every value reaches SQLite as a bound parameter and
 * string-built SQL stands out in review (and in tests/server/static-sql.test.ts).
 */
export type SqlValue = string | number | bigint | null | Buffer

export interface Query {
  readonly text: string
  readonly params: readonly SqlValue[]
}

export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): Query {
  return { text: strings.join('?'), params: values }
}
