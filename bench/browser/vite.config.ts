import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { rollupOptions: { input: ['table.html', 'replay.html'] }, emptyOutDir: true },
  logLevel: 'warn',
});
