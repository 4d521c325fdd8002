import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defaultClientConditions, defineConfig, type Plugin } from 'vite'

const root = fileURLToPath(new URL('./src/renderer', import.meta.url))

/**
 * The production Content-Security-Policy, also sent as a header by the server that hosts the web
 * build. Only scripts from our own origin; connect-src stays open to http(s)/ws(s) because a
 * person may point the client at a self-hosted signaling server on another origin.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "font-src 'self'",
  "connect-src 'self' http: https: ws: wss:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Adds the meta CSP to the built page only: the dev server's React refresh preamble is inline. */
function cspMeta(): Plugin {
  return {
    name: 'veracall-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        // frame-ancestors is ignored (with a console warning) when delivered by <meta>.
        attrs: {
          'http-equiv': 'Content-Security-Policy',
          content: RENDERER_CSP.replace(/; frame-ancestors [^;]+/, ''),
        },
        injectTo: 'head-prepend',
      },
    ],
  }
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), cspMeta()],
  // The protocol package exports its TypeScript sources under the "source" condition.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline assets: every asset is a file served from 'self' under the CSP.
    assetsInlineLimit: 0,
    // One chunk for a desktop/local app is fine; it loads from disk or loopback.
    chunkSizeWarningLimit: 1500,
  },
  // `npm run dev:web` next to `npm run server` (port 8000): same-origin through the proxy, so the
  // dev client needs no CORS either.
  server: {
    host: 'localhost',
    port: 5173,
    proxy: {
      '/api': 'http://127.0.0.1:8000',
      '/health': 'http://127.0.0.1:8000',
      '/ws': { target: 'ws://127.0.0.1:8000', ws: true },
    },
  },
})
