import { defineConfig } from 'tsup';

// Packages whose files are loaded from their own directory at run time (native addons, the
// WebAssembly parsers and grammar): left to Node's resolution, so they are dependencies here.
const external = [
  'better-sqlite3',
  'pg',
  'pg-native',
  'libpg-query',
  'node-pty',
  'web-tree-sitter',
  'tree-sitter-bash',
];

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
  },
  {
    // The command as installed: one bundle of our packages and their pure-JS dependencies,
    // split so that a verb loads only its own modules (a hook call neither resolves nor runs
    // the server's, `--help` none of them). Sources, not the packages' builds: one tree-shaken
    // copy of each module.
    entry: { bin: 'src/bin.ts', 'helper/main': 'src/helper/main.ts' },
    format: ['esm'],
    platform: 'node',
    sourcemap: true,
    target: 'node20',
    splitting: true,
    noExternal: [
      /^(?!(better-sqlite3|pg|pg-native|libpg-query|node-pty|web-tree-sitter|tree-sitter-bash)$)/,
    ],
    external,
    esbuildOptions(options) {
      options.conditions = ['@auditlane/source'];
      options.chunkNames = 'chunks/[name]-[hash]';
    },
    // Bundled CommonJS (yaml, pg's helpers) calls require(); ESM has none of its own.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __auditlaneRequire } from 'node:module';\nconst require = __auditlaneRequire(import.meta.url);",
    },
  },
]);
