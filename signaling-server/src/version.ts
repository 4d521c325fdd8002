/** Reported by /health; kept in step with package.json by tests/server/package.test.ts. */
export const SERVER_VERSION = '0.1.0'
