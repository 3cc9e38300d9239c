import { defineConfig } from 'tsup';

export default defineConfig({
  // `config`: the settings of `serve` (its options and variables) without the server itself.
  entry: { index: 'src/index.ts', config: 'src/config.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
