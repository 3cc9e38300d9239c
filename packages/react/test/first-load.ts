import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The code that loads with `source`'s exports, bundled from the package's source as a host's
 * bundler does (minified, tree-shaken, split): the entry's chunk and those it imports
 * statically, not the chunks loaded on demand.
 */
export async function firstLoad(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    outdir: join(root, 'dist-first-load'),
    write: false,
    metafile: true,
    charset: 'utf8',
    conditions: ['@auditlane/source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    external: ['react', 'react-dom', 'react/jsx-runtime'],
    loader: { '.css': 'empty' },
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file]?.entryPoint);
  if (!entry) throw new Error('no entry chunk');
  const statics = new Set<string>();
  const visit = (file: string) => {
    if (statics.has(file)) return;
    statics.add(file);
    for (const imported of outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return result.outputFiles
    .filter((file) => [...statics].some((path) => file.path === join(process.cwd(), path)))
    .map((file) => file.text)
    .join('\n');
}
