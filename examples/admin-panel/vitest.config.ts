import { defineConfig } from 'vitest/config';

// End to end: the demo (server, seeding through the real recorder, the built panel) driven in
// Debian's Chromium by playwright-core.
export default defineConfig({
  test: {
    name: 'admin-panel',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
