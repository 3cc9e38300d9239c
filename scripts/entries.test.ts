import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { END, exportedNames, leadingDoc, run, START } from './entries';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const trees: string[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) rmSync(tree, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'entries-'));
  trees.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const manifest = JSON.stringify({
  name: '@auditlane/demo',
  exports: {
    '.': { '@auditlane/source': './src/index.ts', import: './dist/index.js' },
    './tools': { import: './dist/tools.js' },
    './package.json': './package.json',
  },
});
const files = {
  'packages/demo/package.json': manifest,
  'packages/demo/src/index.ts':
    "/**\n * The demo: `makeDemo` and `DEMO_SIZE`.\n *\n * More words.\n */\nexport * from './make';\nexport { DEMO_SIZE } from './size';\n",
  'packages/demo/src/make.ts': 'export function makeDemo() {}\nexport type Demo = 1;\n',
  'packages/demo/src/size.ts': 'export const DEMO_SIZE = 1;\n',
  'packages/demo/src/tools.ts': "'use client';\n/** Tools: `tool`. */\nexport const tool = 1;\n",
  'packages/demo/README.md': `# demo\n\n## Entries\n\n${START}\n${END}\n\nAfter.\n`,
};

describe('the entries tables', () => {
  it('writes the table of each package from its exports and the entry files’ doc comments', async () => {
    const dir = tree(files);
    expect(await run(dir, true)).toEqual([
      {
        file: 'packages/demo/README.md',
        message: 'the entries table is out of date: run pnpm entries (tsx scripts/entries.ts)',
      },
    ]);
    expect(await run(dir, false)).toEqual([]);
    const readme = readFileSync(join(dir, 'packages/demo/README.md'), 'utf8');
    expect(readme).toBe(
      [
        '# demo',
        '',
        '## Entries',
        '',
        START,
        '',
        '| import                  | what                                  |',
        '| ----------------------- | ------------------------------------- |',
        '| `@auditlane/demo`       | The demo: `makeDemo` and `DEMO_SIZE`. |',
        '| `@auditlane/demo/tools` | Tools: `tool`.                        |',
        '',
        END,
        '',
        'After.',
        '',
      ].join('\n'),
    );
    expect(await run(dir, true)).toEqual([]);
  });

  it('fails when a description names what the entry does not export, or a README has no markers', async () => {
    const dir = tree({
      ...files,
      'packages/demo/src/tools.ts':
        '/** Tools: `tool` and `makeTool`. */\nexport const tool = 1;\n',
      'packages/demo/README.md': '# demo\n',
    });
    expect(await run(dir, true)).toEqual([
      {
        file: 'packages/demo/src/tools.ts',
        message:
          'the description of @auditlane/demo/tools names `makeTool`, which it does not export',
      },
      {
        file: 'packages/demo/README.md',
        message: `no ${START} … ${END} markers for the entries table`,
      },
    ]);
  });

  it('fails for an entry without a description', async () => {
    const dir = tree({ ...files, 'packages/demo/src/tools.ts': 'export const tool = 1;\n' });
    expect(await run(dir, true)).toEqual([
      {
        file: 'packages/demo/src/tools.ts',
        message:
          '@auditlane/demo/tools has no description: give its entry file a leading /** doc comment */ (or add it to DESCRIPTIONS in scripts/entries.ts)',
      },
      expect.objectContaining({ file: 'packages/demo/README.md' }),
    ]);
  });

  it('reads exports through export * and a leading doc comment after use client', async () => {
    const dir = tree(files);
    expect([...exportedNames(join(dir, 'packages/demo/src/index.ts'))].sort()).toEqual([
      'DEMO_SIZE',
      'Demo',
      'makeDemo',
    ]);
    expect(leadingDoc("'use client';\n/**\n * One\n * line.\n *\n * Not this.\n */")).toBe(
      'One line.',
    );
    expect(leadingDoc('import x from "y";\n/** Not leading. */')).toBeNull();
  });

  it('are up to date in this repository', async () => {
    expect(await run(root, true)).toEqual([]);
  });
});
