import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// The repository's own checks: the entries tables and the import boundaries. Workspace packages
// resolve to their sources (the cli's commands, for its README), as in the packages' tests.
const conditions = ['@auditlane/source', ...defaultServerConditions.filter((c) => c !== 'module')];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    name: 'scripts',
    include: ['*.test.ts'],
    testTimeout: 60_000,
  },
});
