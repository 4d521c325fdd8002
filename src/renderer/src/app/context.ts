import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import type { AppController } from '../controller/app-controller.js'
import type { AppState, AppStore } from '../store/index.js'
import type { Platform } from '../platform/platform.js'

export interface AppContextValue {
  store: AppStore
  controller: AppController
  platform: Platform
}

export const AppContext = createContext<AppContextValue | null>(null)

function useAppContext(): AppContextValue {
  const value = useContext(AppContext)
  if (!value) throw new Error('AppContext missing')
  return value
}

export const useController = (): AppController => useAppContext().controller
export const usePlatform = (): Platform => useAppContext().platform

/** Reads the store through a selector: the component rerenders only when that value changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppContext().store, selector)
}
