import { defineConfig } from 'vitest/config';

// Server rendering of the built entries, in Node (as Next.js renders client components).
export default defineConfig({
  test: {
    name: 'react-ssr',
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
