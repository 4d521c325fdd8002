/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Screen sharing between two real Chromium peers through the real signaling server. Debian's
 * headless Chromium grants getDisplayMedia with the harness's own flags
 * (--use-fake-ui-for-media-stream + --use-fake-device-for-media-stream): it captures a fake
 * 1280×720 (16:9) green test pattern. The camera is a face clip (640×480, 4:3, skin tones), so
 * the other side's video visibly changes source: its shape and its colours, sampled from frames.
 * (--auto-select-desktop-capture-source without the fake UI needs a real display and crashes
 * headless, so it is not used.) Nothing is injected: the app's own getDisplayMedia path runs.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  closePerson,
  expectVideoPlaying,
  launchChromium,
  registerPerson,
  searchAndCall,
  shot,
  startStack,
  type Person,
  type Stack,
} from './harness.js'
import { describeInChromium } from './suite.js'
import { writeFaceClip } from './face-clip.js'

const run = describeInChromium('screen-share')

/** The aspect ratio of a <video>'s current frames (0 before the first). */
const aspect = (page: Page, testId: string): Promise<number> =>
  page.evaluate((id) => {
    const v = document.querySelector<HTMLVideoElement>(`[data-testid="${id}"]`)
    return v && v.videoHeight > 0 ? v.videoWidth / v.videoHeight : 0
  }, testId)

/** Whether the <video>'s current frame is mostly the fake screen's green (the face clip is not). */
const greenFrame = (page: Page, testId: string): Promise<boolean> =>
  page.evaluate((id) => {
    const v = document.querySelector<HTMLVideoElement>(`[data-testid="${id}"]`)
    if (!v || v.videoWidth === 0) return false
    const c = document.createElement('canvas')
    c.width = 64
    c.height = 36
    const g = c.getContext('2d')
    if (!g) return false
    g.drawImage(v, 0, 0, c.width, c.height)
    const d = g.getImageData(0, 0, c.width, c.height).data
    let r = 0
    let gr = 0
    for (let i = 0; i < d.length; i += 4) {
      r += d[i] ?? 0
      gr += d[i + 1] ?? 0
    }
    return gr > 2 * r
  }, testId)

const near = (target: number) => (value: number) => Math.abs(value - target) < 0.02
const CAMERA = 4 / 3
const SCREEN = 16 / 9

async function waitAspect(page: Page, testId: string, target: number): Promise<void> {
  await expect.poll(() => aspect(page, testId), { timeout: 20_000 }).toSatisfy(near(target))
}

/** Counts local descriptions set (one per negotiation round): a renegotiation would show here. */
function initScript(): void {
  const proto = RTCPeerConnection.prototype
  const original = proto.setLocalDescription
  const w = window as unknown as { __descriptions: number }
  w.__descriptions = 0
  proto.setLocalDescription = function (
    this: RTCPeerConnection,
    description?: RTCLocalSessionDescriptionInit,
  ) {
    w.__descriptions += 1
    return Reflect.apply(original, this, [description]) as Promise<void>
  } as typeof original
}
const descriptions = (page: Page): Promise<number> =>
  page.evaluate(() => (window as unknown as { __descriptions: number }).__descriptions)

async function call(stack: Stack, browser: Browser, language: string, names: [string, string]) {
  const alice = await registerPerson(browser, stack.url, names[0], { language, initScript })
  const bob = await registerPerson(browser, stack.url, names[1], { language, initScript })
  await searchAndCall(alice, bob, 'video')
  await bob.page.locator('[role="alertdialog"]').waitFor()
  await bob.page.locator('[role="alertdialog"] button.btn-success').click()
  await Promise.all([expectVideoPlaying(alice.page), expectVideoPlaying(bob.page)])
  await bob.page.locator('main.call[data-phase="active"]').waitFor()
  return { alice, bob }
}

run('screen sharing (Chromium, real server)', { timeout: 150_000 }, () => {
  let stack: Stack
  let browser: Browser
  const people: Person[] = []
  const dir = mkdtempSync(join(tmpdir(), 'veracall-share-e2e-'))
  const clip = join(dir, 'face.y4m')

  beforeAll(async () => {
    await writeFaceClip(clip, { fps: 15, seconds: 4 })
    ;[stack, browser] = await Promise.all([
      startStack({ detector: true }),
      launchChromium([`--use-file-for-fake-video-capture=${clip}`]),
    ])
  }, 90_000)

  afterAll(async () => {
    await Promise.all(people.map((p) => closePerson(p)))
    await browser?.close()
    await stack?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('shares a screen in place of the camera, the other side sees it, and Stop brings the camera back', async () => {
    const { alice, bob } = await call(stack, browser, 'en-US', ['Alice Martin', 'Bob Chen'])
    people.push(alice, bob)
    await waitAspect(bob.page, 'remote-video', CAMERA)
    expect(await greenFrame(bob.page, 'remote-video')).toBe(false)
    const before = await Promise.all([descriptions(alice.page), descriptions(bob.page)])
    expect(before[0]).toBeGreaterThan(0)

    await alice.page.getByRole('button', { name: 'Share screen' }).click()
    const bar = alice.page.getByTestId('sharing-bar')
    await bar.waitFor()
    expect(await bar.textContent()).toContain('You are sharing your screen')
    // The other side's video changes source: 16:9 fake screen frames replace the 4:3 camera.
    await waitAspect(bob.page, 'remote-video', SCREEN)
    await expect.poll(() => greenFrame(bob.page, 'remote-video')).toBe(true)
    await expectVideoPlaying(bob.page)
    await bob.page.getByTestId('remote-sharing').waitFor()
    expect(await bob.page.getByTestId('remote-sharing').textContent()).toContain(
      'Alice Martin is sharing a screen',
    )
    // Shown whole (contain), named as a screen.
    const remote = bob.page.getByTestId('remote-video')
    expect(await remote.evaluate((v) => getComputedStyle(v).objectFit)).toBe('contain')
    expect(await remote.getAttribute('aria-label')).toBe('Screen shared by Alice Martin')
    // The face check says why it has nothing to say, instead of "No face".
    const panel = bob.page.locator('.security-panel')
    await expect
      .poll(() => panel.getAttribute('data-level'), { timeout: 20_000 })
      .toBe('screen_share')
    expect(await panel.textContent()).toContain('Screen share — face check paused')
    // Same connection, same sender: no renegotiation on either side.
    expect(await Promise.all([descriptions(alice.page), descriptions(bob.page)])).toEqual(before)
    // The camera button waits for Stop.
    expect(await alice.page.getByRole('button', { name: 'Turn camera off' }).isDisabled()).toBe(
      true,
    )
    await shot(alice.page, 'screen-share-bar')
    await shot(bob.page, 'screen-share-remote')

    // Stop (from the bar): the camera comes back on the other side, and the face check resumes.
    await bar.getByRole('button', { name: 'Stop sharing' }).click()
    await bar.waitFor({ state: 'detached' })
    await waitAspect(bob.page, 'remote-video', CAMERA)
    await expect.poll(() => greenFrame(bob.page, 'remote-video')).toBe(false)
    await expectVideoPlaying(bob.page)
    await bob.page.getByTestId('remote-sharing').waitFor({ state: 'detached' })
    await expect.poll(() => panel.getAttribute('data-level')).not.toBe('screen_share')
    await waitAspect(alice.page, 'local-video', CAMERA)

    // The keyboard shortcut starts it again; the capture ending outside the app (the browser's or
    // the OS's own "stop sharing") stops it the same way.
    await alice.page.keyboard.press('Control+Shift+S')
    await bar.waitFor()
    await waitAspect(bob.page, 'remote-video', SCREEN)
    await alice.page.evaluate(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="local-video"]')
      const track = (v?.srcObject as MediaStream | null)?.getVideoTracks()[0]
      track?.stop()
      track?.dispatchEvent(new Event('ended'))
    })
    await bar.waitFor({ state: 'detached' })
    await waitAspect(bob.page, 'remote-video', CAMERA)
    await expectVideoPlaying(bob.page)
    expect([...alice.consoleErrors, ...bob.consoleErrors]).toEqual([])
    // Close this call's pages now: left running, their video and face check load the machine
    // while the next test's pages start (its sign-in then timed out on a busy machine).
    await Promise.all(people.splice(0).map((p) => closePerson(p)))
  })

  it('camera off before sharing stays off after Stop; the zh-CN screens', async () => {
    const { alice, bob } = await call(stack, browser, 'zh-CN', ['李华', '王芳'])
    people.push(alice, bob)
    await alice.page.getByRole('button', { name: '关闭摄像头' }).click()
    await bob.page.getByTestId('remote-camera-off').waitFor()
    await alice.page.getByRole('button', { name: '共享屏幕' }).click()
    const bar = alice.page.getByTestId('sharing-bar')
    await bar.waitFor()
    expect(await bar.textContent()).toContain('你正在共享屏幕')
    await waitAspect(bob.page, 'remote-video', SCREEN)
    await expectVideoPlaying(bob.page)
    expect(await bob.page.getByTestId('remote-sharing').textContent()).toContain(
      '李华 正在共享屏幕',
    )
    await expect
      .poll(() => bob.page.locator('.security-panel').textContent(), { timeout: 20_000 })
      .toContain('屏幕共享——面部检测已暂停')
    await shot(alice.page, 'screen-share-bar-zh-CN')
    await shot(bob.page, 'screen-share-remote-zh-CN')
    await bar.getByRole('button', { name: '停止共享' }).click()
    await bob.page.getByTestId('remote-camera-off').waitFor()
    await alice.page.getByRole('button', { name: '打开摄像头' }).waitFor()
  })
})
