import { existsSync } from 'node:fs';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The session page bench compares with the component before its change: its sources are
// extracted from git by src/session-page.ts (absent otherwise) under the react package's
// node_modules, where its imports resolve.
const baseline = join(
  import.meta.dirname,
  '..',
  '..',
  'packages',
  'react',
  'node_modules',
  '.baseline',
  'packages',
  'react',
  'src',
);
const withBaseline = existsSync(baseline);

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  resolve: withBaseline
    ? {
        alias: [
          { find: /^baseline-react$/, replacement: join(baseline, 'index.ts') },
          {
            find: /^baseline-react\/session-detail$/,
            replacement: join(baseline, 'session-detail', 'index.ts'),
          },
        ],
      }
    : {},
  build: {
    rollupOptions: {
      input: ['table.html', 'replay.html', ...(withBaseline ? ['session.html'] : [])],
    },
    emptyOutDir: true,
  },
  logLevel: 'warn',
});
