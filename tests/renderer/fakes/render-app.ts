import { createElement, type ReactElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { AppContext, type AppContextValue } from '../../../src/renderer/src/app/context.js'
import { createI18n } from '../../../src/renderer/src/i18n/index.js'
import type { AppStore } from '../../../src/renderer/src/store/index.js'

/** Renders `element` to HTML inside the app's context (the store as it is now) and language. */
export function renderApp(
  store: AppStore,
  element: ReactElement,
  language: 'en' | 'zh-CN' = 'en',
): string {
  // A server render reads the store's initial state (useSyncExternalStore's server snapshot).
  const rendered = { ...store, getInitialState: store.getState }
  const context = { store: rendered, controller: {}, platform: {} } as unknown as AppContextValue
  return renderToStaticMarkup(
    createElement(
      I18nextProvider,
      { i18n: createI18n(language) },
      createElement(AppContext.Provider, { value: context }, element),
    ),
  )
}
