import { writeFile } from 'node:fs/promises'
import { extname } from 'node:path'
import type { RecordingFile } from '../shared/ipc-contract.js'

export interface RecordingSaveDeps {
  /** The native save dialog, suggesting `suggestedName.webm`; null when cancelled. */
  chooseSavePath(suggestedName: string): Promise<string | null>
  /** Writes the file (only this user may read it); fs by default. */
  write?: (path: string, bytes: Uint8Array) => Promise<void>
}

const privateWrite = (path: string, bytes: Uint8Array): Promise<void> =>
  writeFile(path, bytes, { mode: 0o600 })

/**
 * Saves a call recording where the person chose in main's dialog (the renderer never names a
 * path; its argument was checked against RecordingFile: a WebM, within the size limit). The file
 * always ends in `.webm`. False when the dialog was cancelled.
 */
export async function saveRecording(
  deps: RecordingSaveDeps,
  file: RecordingFile,
): Promise<boolean> {
  const chosen = await deps.chooseSavePath(`${file.suggestedName}.webm`)
  if (chosen === null || chosen === '') return false
  const path = extname(chosen).toLowerCase() === '.webm' ? chosen : `${chosen}.webm`
  await (deps.write ?? privateWrite)(path, new Uint8Array(file.data))
  return true
}
