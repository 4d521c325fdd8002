import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
// The renderer's one CSP builder, loaded as a file: the config is bundled before any package
// export condition applies (see signaling-server/src/protocol/csp.ts).
import { buildMetaCsp } from './signaling-server/src/protocol/csp.js'

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url))
// Workspace packages expose their TypeScript sources under the "source" condition.
const conditions = ['source', 'node', 'import', 'default']
// Native modules stay outside the bundle (unpacked from the asar by electron-builder).
const native = ['better-sqlite3', 'onnxruntime-node', 'electron']

/** The production CSP as a <meta> in the built index.html (E3), the same string main sends. */
function cspMeta(): Plugin {
  return {
    name: 'veracall-electron-csp-meta',
    apply: 'build',
    transformIndexHtml: (html) => ({
      // The web build's own policy (vite.config.ts) is replaced by the desktop one.
      html: html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/i, ''),
      tags: [
        {
          tag: 'meta',
          attrs: {
            'http-equiv': 'Content-Security-Policy',
            content: buildMetaCsp({ target: 'desktop', dev: false }),
          },
          injectTo: 'head-prepend',
        },
      ],
    }),
  }
}

export default defineConfig({
  main: {
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    build: {
      outDir: 'out/main',
      // Bundle everything but native modules, so the package needs no node_modules but those.
      externalizeDeps: false,
      rollupOptions: {
        external: native,
        input: {
          index: here('./src/main/index.ts'),
          // The detector's worker is its own entry so the host can start it by file name
          // (src/main/index.ts points the host at out/main/detector-worker.js).
          'detector-worker': here('./src/main/detector/worker.ts'),
        },
      },
    },
  },
  preload: {
    // Isomorphic code only (the IPC contract and the protocol schemas it reuses).
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads can't require node_modules: bundle everything into one CJS file.
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        external: ['electron'],
        input: { index: here('./src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: here('./src/renderer'),
    base: './',
    plugins: [react(), cspMeta()],
    resolve: { conditions: ['source', 'browser', 'import', 'module', 'default'] },
    build: {
      outDir: 'out/renderer',
      target: 'es2022',
      // No data: URLs (blocked scheme): every asset is a file served from app://.
      assetsInlineLimit: 0,
      rollupOptions: { input: here('./src/renderer/index.html') },
    },
  },
})
