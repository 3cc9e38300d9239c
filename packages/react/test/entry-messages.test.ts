/**
 * Each entry's bundle carries the English strings of the groups it shows, not the others': the
 * entries bundled from source as a host's bundler does (minified, tree-shaken, split), and the
 * code that loads with the entry (not the chunks loaded on demand) searched for the strings.
 */
import { describe, expect, it } from 'vitest';
import { defaultMessages, type Messages } from '../src/provider';
import { firstLoad } from './first-load';

/** Every string of a group (records' too). */
function strings(group: object): string[] {
  return Object.values(group).flatMap((value) =>
    typeof value === 'string' ? [value] : value && typeof value === 'object' ? strings(value) : [],
  );
}

/**
 * The strings of `others` that no group of `shown` has too. Only words of a sentence or a label
 * (a capital letter or a space): a lower-case word ("name", "added") or a period ("24h") is also
 * a literal of code.
 */
function onlyOf(shown: (keyof Messages)[], others: (keyof Messages)[]): string[] {
  const own = new Set(shown.flatMap((group) => strings(defaultMessages[group])));
  const found = others
    .flatMap((group) => strings(defaultMessages[group]))
    .filter((text) => !own.has(text) && /[A-Z ]/.test(text));
  return [...new Set(found)];
}

function literalsIn(code: string, texts: string[]): string[] {
  return texts.filter((text) =>
    [`"${text}"`, `'${text}'`, `\`${text}\``].some((q) => code.includes(q)),
  );
}

describe("an entry's bundle and the messages", () => {
  it("SessionTable's carries none of the replay player's, the tool call's or the other components' strings", async () => {
    const code = await firstLoad("export { SessionTable } from './src/session-table/index.ts';");
    // The table's own strings are there (the check finds literals).
    expect(literalsIn(code, ['Most significant', 'No sessions match these filters.'])).toHaveLength(
      2,
    );
    const others = onlyOf(
      ['common', 'sessionTable'],
      ['replay', 'toolCall', 'sessionDetail', 'filters'],
    );
    expect(others).toContain('Jump to live');
    expect(literalsIn(code, others)).toEqual([]);
  });

  it("Filters' carries only the filters' and the shared strings", async () => {
    const code = await firstLoad("export { Filters } from './src/filters/index.ts';");
    expect(literalsIn(code, ['Session filters'])).toHaveLength(1);
    const others = onlyOf(
      ['common', 'filters'],
      ['replay', 'toolCall', 'sessionDetail', 'sessionTable'],
    );
    expect(literalsIn(code, others)).toEqual([]);
  });

  it("SessionDetail's first load carries neither the player's strings nor the tool call view's (they come with its code)", async () => {
    const code = await firstLoad("export { SessionDetail } from './src/session-detail/index.ts';");
    expect(literalsIn(code, ['Show in replay', 'Revoke this session?'])).toHaveLength(2);
    const others = onlyOf(
      ['common', 'sessionDetail'],
      ['replay', 'toolCall', 'sessionTable', 'filters'],
    );
    expect(others).toContain('Raw JSON');
    expect(literalsIn(code, others)).toEqual([]);
  });
});
