/**
 * SessionDetail filters, seeks and finds the next mark of activity given directly in the
 * browser; that code comes with `buildActivity`, so a host loading through the client does not
 * bundle it. The entry bundled from source as a host's bundler does (minified, tree-shaken), and
 * the code searched for the local filter's text match (its property reads survive minifying).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The code that loads with `source`'s exports (the chunks loaded on demand left out). */
async function firstLoad(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    outdir: join(root, 'dist-entry-local-activity'),
    write: false,
    metafile: true,
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

/** The text filter of `matchesFilters`: the fields of an entry it searches, read in a row. */
const LOCAL_TEXT_MATCH = /\.sql,\w+\.tool,\w+\.path,\w+\.url,\w+\.rule,\w+\.reason/;

describe('SessionDetail and the browser-side activity', () => {
  it('is in the bundle of a host that imports buildActivity', async () => {
    const code = await firstLoad(
      "export { SessionDetail, buildActivity } from './src/session-detail/index.ts';",
    );
    expect(LOCAL_TEXT_MATCH.test(code), 'the local filter in the bundle').toBe(true);
  });

  it('is not in the bundle of a host that loads through the client', async () => {
    const code = await firstLoad("export { SessionDetail } from './src/session-detail/index.ts';");
    expect(LOCAL_TEXT_MATCH.test(code), 'the local filter in the bundle').toBe(false);
    // Nor in the provider and hooks a host of the client imports beside it.
    const withProvider = await firstLoad(
      "export { SessionDetail, useSessionDetail } from './src/session-detail/index.ts'; export { AuditlaneProvider } from './src/index.ts';",
    );
    expect(LOCAL_TEXT_MATCH.test(withProvider), 'the local filter in the bundle').toBe(false);
  });
});
