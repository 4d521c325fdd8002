/**
 * Generates every icon the packages and the tray need from SVG drawn here, with sharp:
 * PNGs for Linux and the window, .ico (PNG-compressed entries) for Windows, .icns for macOS,
 * and one tray icon per state (online / offline / in a call / security alert) at 1x and 2x.
 * Run: npx tsx scripts/make-icons.ts
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'

const out = fileURLToPath(new URL('../resources/icons/', import.meta.url))

/** A shield with a camera lens: "a call you can trust". */
const appSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
    <stop offset="0" stop-color="#2f6bff"/><stop offset="1" stop-color="#12b5a5"/></linearGradient></defs>
  <rect x="64" y="64" width="896" height="896" rx="200" fill="url(#g)"/>
  <path d="M512 200 L770 300 V520 C770 680 660 790 512 840 C364 790 254 680 254 520 V300 Z"
        fill="#ffffff" fill-opacity="0.95"/>
  <circle cx="512" cy="520" r="130" fill="#1d3f8f"/>
  <circle cx="512" cy="520" r="62" fill="#7fe3d8"/>
  <circle cx="548" cy="484" r="20" fill="#ffffff"/>
</svg>`

const TRAY_COLOURS = {
  online: '#22a06b',
  offline: '#8a8f98',
  'in-call': '#2f6bff',
  alert: '#e5484d',
} as const

function traySvg(state: keyof typeof TRAY_COLOURS): string {
  const badge =
    state === 'alert'
      ? `<circle cx="24" cy="24" r="8" fill="${TRAY_COLOURS.alert}"/><rect x="23" y="18" width="2" height="7" fill="#fff"/><rect x="23" y="27" width="2" height="2" fill="#fff"/>`
      : `<circle cx="25" cy="25" r="6" fill="${TRAY_COLOURS[state]}" stroke="#fff" stroke-width="1.5"/>`
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
    <path d="M16 3 L26 7 V15 C26 21 22 25.5 16 28 C10 25.5 6 21 6 15 V7 Z" fill="#3b4452"/>
    <circle cx="16" cy="15" r="5" fill="#ffffff"/>${badge}</svg>`
}

async function png(svg: string, size: number): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 384 }).resize(size, size).png().toBuffer()
}

/** ICO with PNG-compressed images (supported since Windows Vista). */
function ico(images: { size: number; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2)
  header.writeUInt16LE(images.length, 4)
  let offset = header.length
  images.forEach(({ size, data }, i) => {
    const entry = 6 + 16 * i
    header.writeUInt8(size >= 256 ? 0 : size, entry)
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1)
    header.writeUInt16LE(1, entry + 4)
    header.writeUInt16LE(32, entry + 6)
    header.writeUInt32LE(data.length, entry + 8)
    header.writeUInt32LE(offset, entry + 12)
    offset += data.length
  })
  return Buffer.concat([header, ...images.map((i) => i.data)])
}

/** ICNS with PNG entries: icp4 16, icp5 32, icp6 64, ic07 128, ic08 256, ic09 512, ic10 1024. */
function icns(images: { type: string; data: Buffer }[]): Buffer {
  const chunks = images.map(({ type, data }) => {
    const head = Buffer.alloc(8)
    head.write(type, 0, 'ascii')
    head.writeUInt32BE(data.length + 8, 4)
    return Buffer.concat([head, data])
  })
  const body = Buffer.concat(chunks)
  const head = Buffer.alloc(8)
  head.write('icns', 0, 'ascii')
  head.writeUInt32BE(body.length + 8, 4)
  return Buffer.concat([head, body])
}

async function main(): Promise<void> {
  await mkdir(path.join(out, 'png'), { recursive: true })
  const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
  const pngs = new Map<number, Buffer>()
  for (const size of sizes) {
    const data = await png(appSvg, size)
    pngs.set(size, data)
    await writeFile(path.join(out, 'png', `${size}x${size}.png`), data)
  }
  const get = (size: number): Buffer => pngs.get(size) ?? Buffer.alloc(0)
  await writeFile(path.join(out, 'icon.png'), get(512))
  await writeFile(path.join(out, 'icon.svg'), appSvg)
  await writeFile(
    path.join(out, 'icon.ico'),
    ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, data: get(size) }))),
  )
  const types: [string, number][] = [
    ['icp4', 16],
    ['icp5', 32],
    ['icp6', 64],
    ['ic07', 128],
    ['ic08', 256],
    ['ic09', 512],
    ['ic10', 1024],
  ]
  await writeFile(
    path.join(out, 'icon.icns'),
    icns(types.map(([type, size]) => ({ type, data: get(size) }))),
  )
  for (const state of Object.keys(TRAY_COLOURS) as (keyof typeof TRAY_COLOURS)[]) {
    await writeFile(path.join(out, `tray-${state}.png`), await png(traySvg(state), 16))
    await writeFile(path.join(out, `tray-${state}@2x.png`), await png(traySvg(state), 32))
  }
  console.log(`icons written to ${out}`)
}

await main()
