/** The page's localStorage, or null where reading it throws (storage disabled, opaque origin). */
export function safeLocalStorage(win: Pick<Window, 'localStorage'>): Storage | null {
  try {
    return win.localStorage ?? null
  } catch {
    return null
  }
}
