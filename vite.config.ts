import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defaultClientConditions, defineConfig, type Plugin } from 'vite'
// The renderer's one CSP builder, loaded as a file: the config is bundled before any package
// export condition applies (see signaling-server/src/protocol/csp.ts).
import { buildMetaCsp } from './signaling-server/src/protocol/csp.js'

const root = fileURLToPath(new URL('./src/renderer', import.meta.url))

/** Adds the meta CSP to the built page only: the dev server's React refresh preamble is inline. */
function cspMeta(): Plugin {
  return {
    name: 'veracall-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        // The same policy the server sends as a header for this build (less frame-ancestors).
        attrs: {
          'http-equiv': 'Content-Security-Policy',
          content: buildMetaCsp({ target: 'web', dev: false }),
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
