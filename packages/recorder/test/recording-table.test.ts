import { readFileSync } from 'node:fs';
import { DEFAULT_RECORDING_RULES } from '@auditlane/client';
import { describe, expect, it } from 'vitest';
import { README, renderRecordingTable, withRecordingTable } from '../scripts/recording-table';

describe('the README recording rules table', () => {
  it('is the rendering of the rule definitions (run `pnpm readme:recording` when it is not)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(withRecordingTable(readme)).toBe(readme);
  });

  it('follows the definitions: each rule is a row, the deciding rule marks its environments', () => {
    const table = renderRecordingTable();
    for (const rule of DEFAULT_RECORDING_RULES) expect(table).toContain(`| \`${rule.id}\` |`);
    expect(table).toMatch(/\| `production-recorded` \| [^|]+ \| \*\*required\*\* \| · \|/);
    // A changed definition changes the table.
    const changed = renderRecordingTable([
      { id: 'everything-required', record: 'required', match: {} },
    ]);
    expect(changed).toMatch(
      /\| `everything-required` \| every session \| \*\*required\*\* \| \*\*required\*\* \|/,
    );
    expect(changed).not.toContain('production-recorded');
  });
});
