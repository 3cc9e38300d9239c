import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    model: 'src/model/index.ts',
    // Constants and formatters without zod, for UIs that count their bytes.
    helpers: 'src/model/helpers.ts',
    asciicast: 'src/asciicast/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
});
