import { defineConfig } from 'vitest/config';

// One run over every package's tests: `pnpm test` at the root.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'packages/react/vitest.ssr.config.ts',
      'stories/vitest.config.ts',
      'examples/admin-panel/vitest.config.ts',
      'bench/vitest.config.ts',
      'scripts/vitest.config.ts',
    ],
  },
});
