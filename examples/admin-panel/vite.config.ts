import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The panel is static files; its server (scripts/demo.ts) proxies /v1 to the Auditlane API and
// adds the credential there, as a host product's backend would: no token reaches the browser.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
  logLevel: 'warn',
});
