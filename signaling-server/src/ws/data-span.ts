/**
 * Where a client frame's `data` value sits in the frame's own bytes, so the relay can copy those
 * bytes instead of serialising the parsed value again (`JSON.stringify` of an SDP with its escaped
 * line breaks costs more than the rest of the relay). Only spans whose bytes are exactly what
 * `JSON.stringify(data)` would write are returned: a peer then receives the same bytes as before,
 * byte for byte, and everything else (whitespace, other escapes, repeated keys, other number
 * forms, nesting) is left to the caller's re-serialising path. Runs after `JSON.parse` and schema
 * validation of the same text, so the frame is known to be valid JSON: the scan only finds
 * boundaries and bails out, never accepts, on anything unexpected.
 */

import { isUtf8 } from 'node:buffer'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const MINUS = 0x2d
const ZERO = 0x30
const NINE = 0x39
const LOWER_U = 0x75
/** `data` as bytes. */
const D = 0x64
const A = 0x61
const T = 0x74

/** Digits of an integer that `JSON.stringify` writes back unchanged (exact below 2^53, no exponent). */
const MAX_INTEGER_DIGITS = 15

const isWhitespace = (c: number | undefined): boolean =>
  c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

function skipWhitespace(b: Buffer, i: number): number {
  while (isWhitespace(b[i])) i++
  return i
}

/** After the closing quote of the string opening at `i`; -1 if the key holds an escape (`keyOnly`). */
function skipString(b: Buffer, i: number, keyOnly: boolean): number {
  for (let k = i + 1; k < b.length; k++) {
    const c = b[k]
    if (c === QUOTE) return k + 1
    if (c === BACKSLASH) {
      if (keyOnly) return -1
      k++
    }
  }
  return -1
}

/** After the value starting at `i` (any JSON value); -1 if it does not end in the buffer. */
function skipValue(b: Buffer, i: number): number {
  const first = b[i]
  if (first === QUOTE) return skipString(b, i, false)
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0
    for (let k = i; k < b.length; k++) {
      const c = b[k]
      if (c === QUOTE) {
        k = skipString(b, k, false) - 1
        if (k < 0) return -1
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) return k + 1
      }
    }
    return -1
  }
  // A number or a literal: up to the next delimiter.
  let k = i
  while (k < b.length) {
    const c = b[k]
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isWhitespace(c)) break
    k++
  }
  return k > i ? k : -1
}

function hexDigit(c: number | undefined, lowerOnly: boolean): number {
  if (c === undefined) return -1
  if (c >= ZERO && c <= NINE) return c - ZERO
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10
  if (!lowerOnly && c >= 0x41 && c <= 0x46) return c - 0x41 + 10
  return -1
}

/** The code unit of the `\uXXXX` escape whose `u` is at `i`, or -1. */
function unicodeEscape(b: Buffer, i: number, lowerOnly: boolean): number {
  if (b[i] !== LOWER_U) return -1
  let code = 0
  for (let k = i + 1; k <= i + 4; k++) {
    const digit = hexDigit(b[k], lowerOnly)
    if (digit < 0) return -1
    code = code * 16 + digit
  }
  return code
}

/**
 * After the closing quote of the string opening at `i` if its bytes are the ones `JSON.stringify`
 * writes for its value, else -1. Raw bytes are written as they are by stringify but for controls
 * (which JSON.parse refuses raw) and lone surrogates (which valid UTF-8 cannot hold), so only the
 * escapes need checking: the short form where stringify has one (`\b \t \n \f \r \" \\`; never
 * `\/`), lower-case `\u00XX` for the other controls and `\uXXXX` for a lone surrogate, nothing
 * else. Jumps from escape to escape with indexOf (an SDP has two per line).
 */
function skipCanonicalString(b: Buffer, i: number): number {
  let k = i + 1
  let quote = b.indexOf(QUOTE, k)
  let escape = b.indexOf(BACKSLASH, k)
  for (;;) {
    if (quote < 0) return -1
    if (escape < 0 || escape > quote) return quote + 1
    switch (b[escape + 1]) {
      case 0x62: // b
      case 0x74: // t
      case 0x6e: // n
      case 0x66: // f
      case 0x72: // r
      case QUOTE:
      case BACKSLASH:
        k = escape + 2
        break
      case LOWER_U: {
        if (!isCanonicalUnicodeEscape(b, escape)) return -1
        k = escape + 6
        break
      }
      default:
        return -1
    }
    // The quote found may have been an escaped one.
    if (quote < k) quote = b.indexOf(QUOTE, k)
    // Escapes come in pairs in an SDP (\r\n): look next door before searching.
    escape = b[k] === BACKSLASH ? k : b.indexOf(BACKSLASH, k)
  }
}

/** Whether the `\uXXXX` at `at` is one stringify writes: a control without a short form, or a lone surrogate. */
function isCanonicalUnicodeEscape(b: Buffer, at: number): boolean {
  const code = unicodeEscape(b, at + 1, true)
  if (code < 0) return false
  if (code < 0x20)
    return code !== 0x08 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d
  if (code >= 0xd800 && code <= 0xdbff) {
    // A high surrogate escaped before an escaped low one is a pair, which stringify writes raw.
    // (A low surrogate that gets here was not after one: that pair would have stopped here.)
    if (b[at + 6] !== BACKSLASH) return true
    const low = unicodeEscape(b, at + 7, false)
    return low < 0xdc00 || low > 0xdfff
  }
  return code >= 0xdc00 && code <= 0xdfff
}

/** After an integer written as stringify writes it (`-?(0|[1-9][0-9]*)`, no `-0`), else -1. */
function skipCanonicalInteger(b: Buffer, i: number): number {
  let k = i
  if (b[k] === MINUS) k++
  const first = k
  while (k < b.length && (b[k] as number) >= ZERO && (b[k] as number) <= NINE) k++
  const digits = k - first
  if (digits === 0 || digits > MAX_INTEGER_DIGITS) return -1
  if (b[first] === ZERO && (digits > 1 || first > i)) return -1
  return k
}

const LITERALS = [Buffer.from('true'), Buffer.from('false'), Buffer.from('null')]

function skipLiteral(b: Buffer, i: number): number {
  for (const literal of LITERALS) {
    if (b[i] === literal[0] && b.compare(literal, 0, literal.length, i, i + literal.length) === 0)
      return i + literal.length
  }
  return -1
}

/**
 * After the object at `start` if its bytes are what `JSON.stringify(data)` writes: no whitespace,
 * members that are canonical strings, integers and literals (the data schemas are flat), no key
 * repeated (a repeated key is counted twice here but kept once by JSON.parse) and no integer-like
 * key (which JSON.parse would move to the front). Else -1.
 */
function skipCanonicalFlatObject(b: Buffer, start: number, data: object): number {
  if (b[start] !== OPEN_BRACE) return -1
  let i = start + 1
  let members = 0
  if (b[i] === CLOSE_BRACE) i++
  else {
    for (;;) {
      if (b[i] !== QUOTE) return -1
      const first = b[i + 1] as number
      if (first >= ZERO && first <= NINE) return -1
      i = skipCanonicalString(b, i)
      if (i < 0 || b[i] !== COLON) return -1
      const c = b[++i] as number
      if (c === QUOTE) i = skipCanonicalString(b, i)
      else if (c === MINUS || (c >= ZERO && c <= NINE)) i = skipCanonicalInteger(b, i)
      else i = skipLiteral(b, i)
      if (i < 0) return -1
      members++
      if (b[i] === COMMA) i++
      else if (b[i] === CLOSE_BRACE) {
        i++
        break
      } else return -1
    }
  }
  return members === Object.keys(data).length ? i : -1
}

/**
 * `[start, end)` of the top-level `data` member's value in `frame` (UTF-8 JSON text that parsed to
 * an object whose `data` is `data`), if those bytes are exactly `JSON.stringify(data)`'s; else
 * undefined. A `data` key repeated, or any top-level key written with an escape (one could spell
 * `data`), also gives undefined: the span is then not certainly the value JSON.parse kept.
 */
export function canonicalDataSpan(frame: Buffer, data: object): [number, number] | undefined {
  let i = skipWhitespace(frame, 0)
  if (frame[i] !== OPEN_BRACE) return undefined
  i++
  let start = -1
  let end = -1
  for (;;) {
    i = skipWhitespace(frame, i)
    if (frame[i] !== QUOTE) return undefined
    const keyEnd = skipString(frame, i, true)
    if (keyEnd < 0) return undefined
    const isData =
      keyEnd - i === 6 &&
      frame[i + 1] === D &&
      frame[i + 2] === A &&
      frame[i + 3] === T &&
      frame[i + 4] === A
    i = skipWhitespace(frame, keyEnd)
    if (frame[i] !== COLON) return undefined
    i = skipWhitespace(frame, i + 1)
    // The data is checked as it is skipped: if it is not canonical there is no span to find.
    const valueEnd = isData ? skipCanonicalFlatObject(frame, i, data) : skipValue(frame, i)
    if (valueEnd < 0) return undefined
    if (isData) {
      if (start >= 0) return undefined
      start = i
      end = valueEnd
    }
    i = skipWhitespace(frame, valueEnd)
    if (frame[i] === COMMA) i++
    else if (frame[i] === CLOSE_BRACE) break
    else return undefined
  }
  if (start < 0) return undefined
  // `ws` refuses text frames that are not UTF-8, but the span's claim rests on it: checked here too.
  if (!isUtf8(frame.subarray(start, end))) return undefined
  return [start, end]
}
