import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// The masking corpus check runs in `pnpm verify`; the benchmarks themselves do not.
const conditions = ['@auditlane/source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
