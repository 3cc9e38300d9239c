import { copyFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { inlineWorkerEsbuild } from './scripts/inline-worker';

// Each component is its own entry; code they share lands in chunks (splitting), so importing
// one entry never loads another's code. Every entry file starts with 'use client'.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'session-table': 'src/session-table/index.ts',
    filters: 'src/filters/index.ts',
    'session-detail': 'src/session-detail/index.ts',
    'tool-call': 'src/session-detail/tool-call/index.ts',
    replay: 'src/replay/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  splitting: true,
  target: 'es2022',
  // The replay's scanning worker is bundled into a string (xterm headless included).
  esbuildPlugins: [inlineWorkerEsbuild()],
  external: ['react', 'react-dom', 'react/jsx-runtime', /^@xterm\//],
  onSuccess: async () => {
    copyFileSync('src/styles.css', 'dist/styles.css');
  },
});
