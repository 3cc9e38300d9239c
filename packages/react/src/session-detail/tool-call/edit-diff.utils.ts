import { diffLines } from 'diff';

/** One line of a diff: kept, or taken out of the old text, or put in by the new one. */
export interface DiffLine {
  change: 'added' | 'removed' | 'unchanged';
  text: string;
}

/** Beyond this many changed lines the diff is not searched for: old lines out, new lines in. */
const MAX_EDIT_LENGTH = 2_000;

const linesOf = (text: string): string[] => {
  if (!text) return [];
  const lines = text.split(/\r?\n/);
  // A final line break ends the last line; it starts no new one.
  if (lines.at(-1) === '') lines.pop();
  return lines;
};

/**
 * The lines of `oldText` → `newText` (an edit's `old_string` and `new_string`), each marked
 * added, removed or unchanged. Very different texts (more than 2,000 changed lines) are not
 * diffed line by line: every old line is removed and every new one added.
 */
export function diffEdit(oldText: string, newText: string): DiffLine[] {
  // A newline at the end of one only is not a change of its last line.
  const ended = (text: string) => (!text || text.endsWith('\n') ? text : `${text}\n`);
  const changes = diffLines(ended(oldText), ended(newText), { maxEditLength: MAX_EDIT_LENGTH });
  if (!changes) {
    return [
      ...linesOf(oldText).map((text) => ({ change: 'removed' as const, text })),
      ...linesOf(newText).map((text) => ({ change: 'added' as const, text })),
    ];
  }
  const lines: DiffLine[] = [];
  for (const c of changes) {
    const change = c.added ? 'added' : c.removed ? 'removed' : 'unchanged';
    for (const text of linesOf(c.value)) lines.push({ change, text });
  }
  return lines;
}
