import { readFileSync } from 'node:fs';
import { DEFAULT_RECORDING_RULES } from '@auditlane/client';
import { describe, expect, it } from 'vitest';
import {
  README_PATH,
  README_SECTIONS,
  renderRecordingDefaults,
  updateReadme,
} from '../scripts/policy-table';

describe('the README recording rules table', () => {
  it('is the rendering of the rule definitions (run `pnpm readme:policy` when it is not)', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    const recording = README_SECTIONS.filter((s) => s.name === 'recording-defaults');
    expect(recording).toHaveLength(1);
    expect(updateReadme(readme, recording)).toBe(readme);
  });

  it('follows the definitions: a row per rule, the deciding rule marks its environments', () => {
    const table = renderRecordingDefaults();
    for (const rule of DEFAULT_RECORDING_RULES) expect(table).toContain(`| \`${rule.id}\``);
    expect(table).toMatch(/\| `production-recorded` +\| [^|]+\| \*\*required\*\* +\| — +\|/);
    // A changed definition changes the table.
    const changed = renderRecordingDefaults([
      { id: 'everything-required', record: 'required', match: {} },
    ]);
    expect(changed).toMatch(
      /\| `everything-required` \| every session +\| \*\*required\*\* +\| \*\*required\*\* +\|/,
    );
    expect(changed).not.toContain('production-recorded');
  });
});
