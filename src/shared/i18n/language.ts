export const SUPPORTED_LANGUAGES = ['en', 'zh-CN'] as const
export type Language = (typeof SUPPORTED_LANGUAGES)[number]

/** The OS languages mapped onto what we ship: any Chinese variant → zh-CN, else English. */
export function systemLanguage(languages: readonly string[]): Language {
  for (const lang of languages) {
    const lower = lang.toLowerCase()
    if (lower.startsWith('zh')) return 'zh-CN'
    if (lower.startsWith('en')) return 'en'
  }
  return 'en'
}
