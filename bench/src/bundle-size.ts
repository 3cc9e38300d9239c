// What an app ships for an entry of @auditlane/react: bundled as an app's bundler does (esbuild,
// minified, production; react and react-dom left out as peers), split into what loads with the
// entry and what loads on demand (import()), gzipped chunk by chunk. The size bench
// (src/react.ts) prints these figures; the size budget test (src/bundle-size.test.ts) holds one.
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build as esbuild, type Metafile } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** The three components together, as an app that renders them imports them. */
export const TOGETHER_ENTRY =
  "export { SessionTable } from '@auditlane/react/session-table'; export { Filters } from '@auditlane/react/filters'; export { SessionDetail } from '@auditlane/react/session-detail';";

/** The root of the installed @auditlane/react (its built dist is what gets bundled). */
export function reactRoot(): string {
  const require = createRequire(join(here, '..', 'package.json'));
  return dirname(require.resolve('@auditlane/react/package.json'));
}

/** A package's directory as `from` resolves it (node_modules upward), symlinks resolved. */
function packageDir(from: string, name: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(candidate)) return realpathSync(candidate);
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The directories of @auditlane's own code in a bundle of `root` (the installed
 * @auditlane/react): that package and the @auditlane/client it imports, as absolute real paths.
 */
export function ownRoots(root: string): string[] {
  const client = packageDir(root, '@auditlane/client');
  return [realpathSync(root), ...(client ? [client] : [])];
}

/**
 * The input is @auditlane's own code: under one of `roots` once resolved against the working
 * directory (esbuild's metafile names inputs relative to it).
 */
export function isOwn(input: string, roots: readonly string[], cwd = process.cwd()): boolean {
  const path = resolve(cwd, input);
  return roots.some((root) => path.startsWith(root.endsWith(sep) ? root : root + sep));
}

/**
 * Why a built dist cannot be measured: it is missing, or older than a source file of its package
 * (a test file aside), so it is not what the sources build. Null when it is up to date, or when
 * the package has no sources beside it (installed from the registry).
 */
export function staleDist(root: string, entry = 'session-table.js'): string | null {
  const built = join(root, 'dist', entry);
  if (!existsSync(built)) return `${root} is not built (no dist/${entry})`;
  const src = join(root, 'src');
  if (!existsSync(src)) return null;
  const builtAt = statSync(built).mtimeMs;
  const newer = (readdirSync(src, { recursive: true }) as string[]).find((file) => {
    if (/\.test(-d)?\.tsx?$/.test(file)) return false;
    const stat = statSync(join(src, file));
    return stat.isFile() && stat.mtimeMs > builtAt;
  });
  return newer ? `${root}/dist is older than src/${newer}` : null;
}

/** The built scanning worker's chunk of @auditlane/react (a module exporting its script). */
export function workerChunk(root: string): string {
  const name = readdirSync(join(root, 'dist')).find((f) => /^scan-worker-.*\.js$/.test(f));
  if (!name) throw new Error('@auditlane/react is not built (no dist/scan-worker-*.js)');
  return join(root, 'dist', name);
}

/** The output files a host loads when it imports `entry`: static imports, transitively. */
function staticClosure(outputs: Metafile['outputs'], entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of outputs[file]?.imports ?? [])
      if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  return seen;
}

export interface BundleSize {
  /** Bytes that load with the entry, minified. */
  min: number;
  /** The same, each chunk gzipped (default level), summed. */
  gz: number;
  /** Minified bytes of @auditlane's own code, and of the libraries, in what loads with it. */
  own: number;
  libs: number;
  /** Gzipped bytes of the chunks loaded only through import(). */
  lazyGz: number;
  /** Minified bytes per library (npm package name). */
  libBytes: Map<string, number>;
  /** Every input module in what loads with the entry, with its minified bytes. */
  modules: { path: string; bytes: number }[];
}

/**
 * Bundles `contents` (an entry module's source) and measures it. `outdir` is only named in the
 * output paths (nothing is written).
 */
export async function bundleSize(
  contents: string,
  options: { root: string; outdir: string; externals?: string[] },
): Promise<BundleSize> {
  const { root, outdir, externals = [] } = options;
  // esbuild's working directory (its default), which the metafile's paths are relative to.
  const cwd = process.cwd();
  const own = ownRoots(root);
  // Split as an app's bundler splits: what the entry imports statically is loaded with it;
  // chunks reached only through import() load when a part needs them ("on demand").
  const result = await esbuild({
    stdin: { contents, resolveDir: here, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    minify: true,
    splitting: true,
    outdir,
    entryNames: 'entry',
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    absWorkingDir: cwd,
    define: { 'process.env.NODE_ENV': '"production"' },
    external: ['react', 'react-dom', 'react/jsx-runtime', ...externals],
    loader: { '.css': 'empty' },
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const entryFile = Object.keys(outputs).find((f) => outputs[f]?.entryPoint);
  if (!entryFile) throw new Error(`no entry output for ${contents}`);
  const initial = staticClosure(outputs, entryFile);
  const bytes = new Map(
    result.outputFiles.map((f) => [relative(cwd, f.path), f.contents] as const),
  );
  const size: BundleSize = {
    min: 0,
    gz: 0,
    own: 0,
    libs: 0,
    lazyGz: 0,
    libBytes: new Map(),
    modules: [],
  };
  for (const [file, info] of Object.entries(outputs)) {
    if (file.endsWith('.map')) continue;
    const code = bytes.get(file) ?? new Uint8Array();
    if (!initial.has(file)) {
      size.lazyGz += gzipSync(code).length;
      continue;
    }
    size.min += code.length;
    size.gz += gzipSync(code).length;
    for (const [path, input] of Object.entries(info.inputs)) {
      const lib = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(
        path,
      )?.[1];
      if (isOwn(path, own, cwd)) size.own += input.bytesInOutput;
      else {
        size.libs += input.bytesInOutput;
        if (lib) size.libBytes.set(lib, (size.libBytes.get(lib) ?? 0) + input.bytesInOutput);
      }
      size.modules.push({ path, bytes: input.bytesInOutput });
    }
  }
  return size;
}
