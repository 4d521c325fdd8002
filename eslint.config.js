import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** Node built-ins and Electron: off limits to code that runs in a browser or in every process. */
const NODE_ONLY = (message) => ({ group: ['node:*', 'electron', 'fs', 'path'], message })
/** Another process's source folder: processes meet only through src/shared contracts. */
const PROCESS = (...names) => ({
  group: names.flatMap((name) => [`**/${name}/*`, `**/${name}/**`]),
  message: `no imports from src/{${names.join(',')}}: processes share code only through src/shared`,
})

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'out/**', 'release/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The protocol is imported by the renderer: keep it free of Node built-ins.
    files: ['signaling-server/src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [NODE_ONLY('isomorphic code only')] }],
    },
  },
  {
    // Shared code is imported by every process, so it may import none of them.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [NODE_ONLY('isomorphic code only'), PROCESS('main', 'renderer', 'preload')] },
      ],
    },
  },
  {
    // Main talks to the renderer only through the IPC contract in src/shared.
    files: ['src/main/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [PROCESS('renderer', 'preload')] }] },
  },
  {
    // The preload is the renderer's narrow door into main: it may not reach into main itself.
    files: ['src/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [PROCESS('main', 'renderer')] }] },
  },
  {
    // The renderer runs in a browser (or a sandboxed Electron renderer): DOM only, no Node.
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [NODE_ONLY('renderer code: no Node or Electron'), PROCESS('main', 'preload')],
        },
      ],
    },
  },
  prettier,
)
