import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (the `@auditlane/source` export
// condition), so tests never run against a stale build.
// Without `module`: dependencies resolve as Node resolves them (the `module` builds of the
// OpenTelemetry packages import paths without extensions, which Node cannot load).
const conditions = ['@auditlane/source', ...defaultServerConditions.filter((c) => c !== 'module')];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
