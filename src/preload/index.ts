/**
 * The preload: exposes `window.veracall`, one function per contract channel (E9). The page never
 * sees ipcRenderer or an IpcRendererEvent: invokes return the typed result, listeners get only
 * the payload and return an unsubscribe. Bundled to CommonJS so it runs in the sandbox.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { buildApi, type IpcRendererLike } from './build-api.js'

contextBridge.exposeInMainWorld('veracall', buildApi(ipcRenderer as IpcRendererLike))
