import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { I18nextProvider } from 'react-i18next'
import { App } from './app/App.js'
import { AppContext } from './app/context.js'
import { AppController } from './controller/app-controller.js'
import { createI18n, resolveLanguage } from './i18n/index.js'
import { resolvePlatform } from './platform/index.js'
import { createAppStore } from './store/index.js'
import './styles/app.css'

const platform = resolvePlatform()
const store = createAppStore()

/** One read of the prefs before the first render, so it draws in the chosen language and theme. */
async function start(): Promise<void> {
  const prefs = await platform.prefs.load()
  const i18n = createI18n(resolveLanguage(prefs.language, platform.languages()))
  const controller = new AppController({
    store,
    platform,
    t: (key, vars) => i18n.t(key, vars),
    prefs,
  })
  const root = document.getElementById('root')
  if (!root) throw new Error('#root missing')
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <AppContext.Provider value={{ store, controller, platform }}>
          <App />
        </AppContext.Provider>
      </I18nextProvider>
    </StrictMode>,
  )
  await controller.init()
}
void start()
