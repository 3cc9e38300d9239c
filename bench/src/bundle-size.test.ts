import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleSize, reactRoot, TOGETHER_ENTRY } from './bundle-size';

/**
 * What SessionTable + Filters + SessionDetail may weigh together (gzip KB, what loads with
 * them), as the size bench's "together" row measures it (`pnpm --filter @auditlane/bench react
 * --sizes-only`). Lower it when a change makes them lighter; raising it is a decision to write
 * down in the CHANGELOG.
 */
const TOGETHER_BUDGET_KB = 40.5;

const out = mkdtempSync(join(tmpdir(), 'auditlane-bundle-size-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('bundle size budget', () => {
  it('keeps SessionTable + Filters + SessionDetail within their budget', async () => {
    // The built entries are what an app bundles (pnpm verify builds before the tests).
    const root = reactRoot();
    if (!existsSync(join(root, 'dist', 'session-table.js'))) {
      throw new Error('@auditlane/react is not built: run `pnpm build` before this test');
    }
    const size = await bundleSize(TOGETHER_ENTRY, { root, outdir: join(out, 'bundle') });
    const kb = size.gz / 1024;
    expect(
      kb,
      `the together row weighs ${kb.toFixed(2)} KB gzip, over its ${TOGETHER_BUDGET_KB} KB budget`,
    ).toBeLessThanOrEqual(TOGETHER_BUDGET_KB);
    // The measure measures something: the table's own library and our code are in it.
    expect([...size.libBytes.keys()]).toContain('@tanstack/table-core');
    expect(size.own).toBeGreaterThan(10_000);
  });
});
