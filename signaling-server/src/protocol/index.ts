/**
 * The wire contract of the Veracall signaling server: one source of truth for the server, the
 * renderer, the main process and the tests. Isomorphic: no Node or DOM imports here.
 */
export * from './common.js'
export * from './errors.js'
export * from './rest.js'
export * from './ws.js'
export * from './csp.js'
