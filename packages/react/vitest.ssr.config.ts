import { defineConfig } from 'vitest/config';
import { inlineWorkerVite } from './scripts/inline-worker';

// Server rendering of the built entries, in Node (as Next.js renders client components).
export default defineConfig({
  plugins: [inlineWorkerVite()],
  test: {
    name: 'react-ssr',
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
