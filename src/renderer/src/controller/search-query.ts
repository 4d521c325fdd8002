import { DEFAULT_USER_SEARCH_MIN_LENGTH } from 'veracall-signaling/protocol'

/** Characters typed before the app searches: the server refuses shorter searches by default. */
export const MIN_SEARCH_LENGTH = DEFAULT_USER_SEARCH_MIN_LENGTH

export const isSearchable = (query: string): boolean =>
  [...query.trim()].length >= MIN_SEARCH_LENGTH
