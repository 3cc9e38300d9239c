import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The published builds load their WebAssembly parsers from CommonJS and ESM alike
// (the test command builds before it tests).
const dist = join(import.meta.dirname, '../dist');

describe('built package', () => {
  it('decides with the SQL and shell parsers from require() and import()', () => {
    expect(existsSync(join(dist, 'index.cjs')), 'build the package first (pnpm build)').toBe(true);
    const cjs = execFileSync(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(join(dist, 'index.cjs'))}).Policy.create().then((p) => console.log(p.decide({ kind: 'command', text: 'psql -c "DROP TABLE x"' }).verdict))`,
      ],
      { encoding: 'utf8' },
    );
    expect(cjs.trim()).toBe('block');
    const esm = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(dist, 'index.js'))}); const p = await m.Policy.create(); console.log(p.decide({ kind: 'sql', text: 'TRUNCATE t' }).verdict)`,
      ],
      { encoding: 'utf8' },
    );
    expect(esm.trim()).toBe('block');
  });
});
