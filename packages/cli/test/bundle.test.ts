import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The installed command is the bundle tsup builds (dist/bin.js and its chunks). What a verb
// loads is what its chunk imports, directly or through the chunks it imports; the chunks it
// loads with import() come only when it runs. This builds the bundle and reads those imports.

const require = createRequire(import.meta.url);
const out = mkdtempSync(join(tmpdir(), 'auditlane-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

beforeAll(() => {
  const tsup = join(dirname(require.resolve('tsup/package.json')), 'dist/cli-default.js');
  const built = spawnSync(process.execPath, [tsup, '--out-dir', out, '--no-dts'], {
    cwd: join(import.meta.dirname, '..'),
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`tsup failed: ${built.stderr ?? built.error}`);
}, 120_000);

interface Graph {
  /** Files loaded, the entry included. */
  files: Set<string>;
  /** Packages and Node modules they import. */
  packages: Set<string>;
  /** Where the bundled code of each file comes from (esbuild's `// path` comments). */
  sources: Set<string>;
}

/** What loading `file` loads, without the chunks it imports with import(). */
function staticGraph(
  file: string,
  graph: Graph = { files: new Set(), packages: new Set(), sources: new Set() },
): Graph {
  if (graph.files.has(file)) return graph;
  graph.files.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\/\/ (\S+)$/gm)) graph.sources.add(m[1]!);
  for (const m of text.matchAll(
    /(?:^|;|\n)\s*(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g,
  )) {
    const specifier = m[1]!;
    if (specifier.startsWith('.')) staticGraph(resolve(dirname(file), specifier), graph);
    else graph.packages.add(specifier);
  }
  return graph;
}

const chunk = (prefix: string) => {
  const name = readdirSync(join(out, 'chunks')).find(
    (f) => f.startsWith(`${prefix}-`) && f.endsWith('.js'),
  );
  if (!name) throw new Error(`no ${prefix} chunk`);
  return join(out, 'chunks', name);
};
const merge = (...graphs: Graph[]): Graph => ({
  files: new Set(graphs.flatMap((g) => [...g.files])),
  packages: new Set(graphs.flatMap((g) => [...g.packages])),
  sources: new Set(graphs.flatMap((g) => [...g.sources])),
});
const nonBuiltin = (g: Graph) =>
  [...g.packages].filter((p) => !builtinModules.includes(p) && !p.startsWith('node:'));
const fromPackage = (g: Graph, pattern: RegExp) => [...g.sources].filter((s) => pattern.test(s));

describe('the bundled command', () => {
  it('starts a hook call the helper answers with Node modules alone', () => {
    const g = staticGraph(join(out, 'bin.js'));
    expect(g.sources).toContain('src/helper/client.ts');
    expect(nonBuiltin(g)).toEqual([]);
    expect(
      fromPackage(g, /(client|recorder|server)\/src\/|node_modules/).filter(
        (s) =>
          !/client\/src\/model\/(helpers|entities|limits|recording|actions|shape)\.ts$/.test(s),
      ),
    ).toEqual([]);
  });

  it('prints --help without the server, the recorder or any library', () => {
    const g = merge(staticGraph(join(out, 'bin.js')), staticGraph(chunk('cli')));
    expect(nonBuiltin(g)).toEqual([]);
    expect(fromPackage(g, /node_modules|recorder\/src\/|server\/src\/(store|api)\//)).toEqual([]);
  });

  // The recorder's modules share one chunk (node-pty's import with them: ~8 ms of a call that
  // no helper answers).
  it('decides a hook call in its own process without the server, pg, SQLite or hono', () => {
    const g = merge(staticGraph(chunk('cli')), staticGraph(chunk('hook')));
    expect(nonBuiltin(g).sort()).toEqual(['libpg-query', 'node-pty', 'web-tree-sitter']);
    expect(fromPackage(g, /recorder\/src\/hook\//).length).toBeGreaterThan(0);
    expect(fromPackage(g, /server\/src\/(store|api)\/|hono/)).toEqual([]);
  });

  it('records a terminal without the server, pg, SQLite or hono', () => {
    const g = merge(staticGraph(chunk('cli')), staticGraph(chunk('rec')));
    expect(nonBuiltin(g).sort()).toEqual(['libpg-query', 'node-pty', 'web-tree-sitter']);
    expect(fromPackage(g, /server\/src\/(store|api)\/|hono/)).toEqual([]);
  });
});
