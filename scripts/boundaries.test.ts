import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = join(root, '.dependency-cruiser.cjs');
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');
const DIRS = ['packages', 'examples', 'stories', 'bench', 'internal'];

const trees: string[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) rmSync(tree, { recursive: true, force: true });
});

/** A workspace laid out as ours, with the given files. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'boundaries-'));
  trees.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  for (const d of DIRS) mkdirSync(join(dir, d), { recursive: true });
  return dir;
}

function check(cwd: string) {
  const result = spawnSync(depcruise, [...DIRS, '--config', config, '--output-type', 'err'], {
    cwd,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** What every tree has: each package's code importing what it may. */
const CLEAN = {
  'packages/client/src/index.ts': "export * from './model';\n",
  'packages/client/src/model.ts': 'export const x = 1;\n',
  'packages/recorder/src/index.ts': "import { x } from '@auditlane/client';\nexport const r = x;\n",
  'packages/server/src/index.ts':
    "import { x } from '@auditlane/client/helpers';\nexport const s = x;\n",
  'packages/react/src/index.ts':
    "import type { x } from '@auditlane/client';\nexport type R = typeof x;\n",
  'packages/react/src/replay/core/driver.ts':
    "import { x } from '@auditlane/client/asciicast';\nimport { t } from './terminal';\nexport const d = [x, t];\n",
  'packages/react/src/replay/core/terminal.ts': 'export const t = 1;\n',
  'packages/react/src/replay/view/screen.ts':
    "import { Terminal } from '@xterm/xterm';\nimport { d } from '../core/driver';\nexport const v = [Terminal, d];\n",
  'packages/cli/src/index.ts':
    "import { r } from '@auditlane/recorder';\nimport { s } from '@auditlane/server';\nexport const c = [r, s];\n",
  // Integration tests run the real server and recorder.
  'packages/react/test/global-setup.ts':
    "import { s } from '@auditlane/server';\nexport default s;\n",
  'examples/admin-panel/src/main.ts':
    "import { r } from '@auditlane/react';\nimport { s } from '@auditlane/server';\nexport const m = [r, s];\n",
  'bench/src/table.ts':
    "import { r } from '@auditlane/react/session-table';\nexport const b = r;\n",
};

describe('the import-boundary check', () => {
  it('passes on a tree that keeps the boundaries', () => {
    const result = check(tree(CLEAN));
    expect(result.output).toContain('no dependency violations found');
    expect(result.status).toBe(0);
  });

  it('passes on this repository', () => {
    const result = check(root);
    expect(result.output).toContain('no dependency violations found');
    expect(result.status).toBe(0);
  });

  it('fails naming the file and the rule of each violating import', () => {
    const result = check(
      tree({
        ...CLEAN,
        // recorder, server and react import one another: by name, type-only, or by a path.
        'packages/recorder/src/bad.ts':
          "import { s } from '@auditlane/server';\nexport const b = s;\n",
        'packages/server/src/bad.ts':
          "import type { R } from '@auditlane/react';\nexport type B = R;\n",
        'packages/react/src/bad.ts':
          "import { r } from '../../recorder/src/index';\nexport const b = r;\n",
        // The client imports nothing of ours.
        'packages/client/src/bad.ts':
          "import { r } from '@auditlane/react';\nexport const b = r;\n",
        // The player core reaches xterm through a module of the view, and React directly.
        'packages/react/src/replay/core/bad.ts':
          "import { v } from '../view/screen';\nimport { useState } from 'react';\nexport const b = [v, useState];\n",
        // Nothing imports the examples, the stories or the bench.
        'packages/cli/src/bad.ts': "import { b } from '@auditlane/bench';\nexport const x = b;\n",
        'stories/src/bad.ts':
          "import { m } from '../../examples/admin-panel/src/main';\nexport const x = m;\n",
        // Those import package names, never a package's src/.
        'examples/admin-panel/src/bad.ts':
          "import { x } from '../../../packages/client/src/model';\nexport const y = x;\n",
        'bench/src/bad.ts':
          "import { x } from '@auditlane/client/src/model';\nexport const y = x;\n",
      }),
    );
    expect(result.status).not.toBe(0);
    const expected = [
      ['recorder-server-react-apart', 'packages/recorder/src/bad.ts → @auditlane/server'],
      ['recorder-server-react-apart', 'packages/server/src/bad.ts → @auditlane/react'],
      ['recorder-server-react-apart', 'packages/react/src/bad.ts → packages/recorder/src/index.ts'],
      [
        'only-cli-imports-recorder-and-server',
        'packages/react/src/bad.ts → packages/recorder/src/index.ts',
      ],
      ['client-at-the-bottom', 'packages/client/src/bad.ts → @auditlane/react'],
      ['player-core-framework-free', 'packages/react/src/replay/core/bad.ts → '],
      ['nothing-imports-examples-stories-bench', 'packages/cli/src/bad.ts → @auditlane/bench'],
      [
        'nothing-imports-examples-stories-bench',
        'stories/src/bad.ts → examples/admin-panel/src/main.ts',
      ],
      [
        'no-relative-imports-into-another-package',
        'examples/admin-panel/src/bad.ts → packages/client/src/model.ts',
      ],
      ['no-src-paths-of-packages', 'bench/src/bad.ts → @auditlane/client/src/model'],
    ];
    for (const [rule, edge] of expected) expect(result.output).toContain(`error ${rule}: ${edge}`);
    // Only the bad files are named.
    const named = [...result.output.matchAll(/^\s*error [\w-]+: (\S+)/gm)].map((m) => m[1]);
    expect(named.every((file) => file?.endsWith('/bad.ts'))).toBe(true);
    // xterm and react, both, from the core.
    expect(result.output).toMatch(
      /player-core-framework-free: packages\/react\/src\/replay\/core\/bad\.ts → .*xterm/,
    );
    expect(result.output).toMatch(
      /player-core-framework-free: packages\/react\/src\/replay\/core\/bad\.ts → react/,
    );
  });
});
