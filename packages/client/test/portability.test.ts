import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };

const src = fileURLToPath(new URL('../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );
}

describe('the published code runs in browsers, Node 20+ and edge runtimes', () => {
  const files = sourceFiles(src);

  it('imports no Node built-in module', () => {
    const builtins = new Set(builtinModules);
    const offenders = files.flatMap((file) =>
      imports(file)
        .filter((m) => m.startsWith('node:') || builtins.has(m.split('/')[0]!))
        .map((m) => `${relative(src, file)} imports ${m}`),
    );
    expect(files.length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });

  it('imports only its declared runtime dependencies', () => {
    const allowed = new Set(Object.keys(pkg.dependencies));
    const external = files.flatMap((file) =>
      imports(file)
        .filter((m) => !m.startsWith('.'))
        .map((m) => (m.startsWith('@') ? m.split('/').slice(0, 2).join('/') : m.split('/')[0]!)),
    );
    expect(external.length).toBeGreaterThan(0);
    expect([...new Set(external)].filter((m) => !allowed.has(m))).toEqual([]);
  });

  it('keeps the asciicast module free of zod and the HTTP client, so the player can load it alone', () => {
    const asciicast = files.filter((f) => relative(src, f).startsWith('asciicast'));
    const deps = asciicast.flatMap(imports).filter((m) => !m.startsWith('./'));
    expect(deps).toEqual([]);
  });
});
