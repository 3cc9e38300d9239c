/**
 * `import source from './x?worker-source'` gives the module x bundled into one self-contained
 * script, as a string (the replay's scanning worker starts from it through a Blob URL, so hosts
 * need no worker file or bundler setting). The same build for tsup (an esbuild plugin) and for
 * Vite (tests, Storybook).
 */
import { dirname, resolve } from 'node:path';
import { build, type Plugin as EsbuildPlugin } from 'esbuild';

const SUFFIX = '?worker-source';

export async function bundleWorker(file: string): Promise<string> {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

function resolveTs(importer: string, spec: string): string {
  const path = resolve(dirname(importer), spec.slice(0, -SUFFIX.length));
  return /\.[cm]?[jt]s$/.test(path) ? path : `${path}.ts`;
}

export function inlineWorkerEsbuild(): EsbuildPlugin {
  return {
    name: 'inline-worker',
    setup(b) {
      b.onResolve({ filter: /\?worker-source$/ }, (args) => ({
        path: resolveTs(args.importer, args.path),
        namespace: 'worker-source',
      }));
      b.onLoad({ filter: /.*/, namespace: 'worker-source' }, async (args) => ({
        contents: `export default ${JSON.stringify(await bundleWorker(args.path))};`,
        loader: 'js',
      }));
    },
  };
}

/** The Vite plugin (structurally typed: no Vite types needed here). */
export function inlineWorkerVite() {
  const prefix = '\0worker-source:';
  return {
    name: 'inline-worker',
    enforce: 'pre' as const,
    resolveId(id: string, importer?: string) {
      if (!id.endsWith(SUFFIX) || !importer) return null;
      return prefix + resolveTs(importer.split('?')[0] as string, id);
    },
    async load(id: string) {
      if (!id.startsWith(prefix)) return null;
      const file = id.slice(prefix.length);
      return `export default ${JSON.stringify(await bundleWorker(file))};`;
    },
  };
}
