import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { inlineWorkerVite } from './scripts/inline-worker';

// Component tests in real Chromium (Debian's package; tools never download browsers here),
// against a real server started by the global setup. SSR tests run in Node (ssr.test.ts).
const chromium = process.env.AUDITLANE_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  plugins: [react(), inlineWorkerVite()],
  // Pre-bundled up front: a dependency discovered mid-run makes Vite reload the page (flaky tests).
  optimizeDeps: {
    include: [
      'react',
      'react/jsx-dev-runtime',
      'react-dom',
      'react-dom/client',
      'radix-ui/alert-dialog',
      'radix-ui/dropdown-menu',
      'radix-ui/collapsible',
      'radix-ui/slot',
      '@ansi-tools/parser',
      'diff',
      '@tanstack/table-core',
      '@tanstack/table-core/reactivity',
      '@tanstack/table-core/static-functions',
      '@tanstack/store',
      '@tanstack/react-virtual',
      'axe-core',
      '@xterm/xterm',
      '@xterm/headless',
      '@xterm/addon-serialize',
      'vitest-browser-react',
    ],
  },
  test: {
    name: 'react',
    include: ['src/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: chromium,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
