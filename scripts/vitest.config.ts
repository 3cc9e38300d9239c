import { defineConfig } from 'vitest/config';

// The repository's own checks: the entries tables and the import boundaries.
export default defineConfig({
  test: {
    name: 'scripts',
    include: ['*.test.ts'],
    testTimeout: 60_000,
  },
});
