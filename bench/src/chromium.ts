// The browser side of the benchmarks: the pages under browser/ built for production, served
// from a temp dir on a free loopback port, and Debian's Chromium (never a downloaded browser).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build, preview } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

/** Builds browser/*.html into `outDir` and serves it; `base` ends with a slash. */
export async function servePages(
  outDir: string,
): Promise<{ base: string; close(): Promise<void> }> {
  await build({
    configFile: join(here, '..', 'browser', 'vite.config.ts'),
    mode: 'production',
    build: { outDir },
    logLevel: 'warn',
  });
  const server = await preview({
    configFile: false,
    root: outDir,
    build: { outDir },
    // Cross-origin isolated, so pages can measure all their memory (workers and buffers too).
    preview: {
      host: '127.0.0.1',
      port: 0,
      headers: {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      },
    },
    logLevel: 'silent',
  });
  return {
    base: server.resolvedUrls?.local[0] as string,
    close: () => new Promise<void>((done) => server.httpServer.close(() => done())),
  };
}

/** Headless Chromium with `gc()` exposed (a step pays for its own garbage only). */
export function launchChromium(
  options: { jsFlags?: string[]; args?: string[] } = {},
): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.AUDITLANE_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      `--js-flags=${['--expose-gc', ...(options.jsFlags ?? [])].join(' ')}`,
      ...(options.args ?? []),
    ],
  });
}
