import { type ComponentPropsWithoutRef, forwardRef, useMemo, useState } from 'react';
import { type DiffLine, diffEdit } from './edit-diff.utils';
import { DEFAULT_MAX_CHARS, textPrefix, visibleText } from './terminal-text.utils';
import { type ToolCallMessages, toolCallMessages } from './tool-call.messages';

export interface EditDiffProps extends Omit<ComponentPropsWithoutRef<'div'>, 'children'> {
  oldText: string;
  newText: string;
  /** The file, for the diff's accessible name. */
  path?: string | null;
  /**
   * How many lines, and characters, are rendered at first ("Show more" renders four times as
   * many). Default 500 lines, 20,000 characters.
   */
  maxLines?: number;
  maxChars?: number;
  messages?: Partial<
    Pick<
      ToolCallMessages,
      'added' | 'removed' | 'diffLabel' | 'noChange' | 'showMore' | 'linesShown'
    >
  >;
}

const SIGNS = { added: '+', removed: '-', unchanged: ' ' } as const;

/**
 * An edit as a diff of its lines: a list whose items say `data-change="added|removed|unchanged"`
 * and, for those who do not see colour, begin with the words "added" or "removed" (read by
 * assistive technologies) and a visible + or −. Line text is shown, never interpreted.
 */
export const EditDiff = forwardRef<HTMLDivElement, EditDiffProps>(function EditDiff(
  {
    oldText,
    newText,
    path = null,
    maxLines = 500,
    maxChars = DEFAULT_MAX_CHARS,
    messages,
    ...props
  },
  ref,
) {
  const m = { ...toolCallMessages, ...messages };
  const lines = useMemo(() => diffEdit(oldText, newText), [oldText, newText]);
  const [scale, setScale] = useState(1);
  const shown = useMemo(() => {
    // Whole lines up to the limits; a line longer than what is left is cut there.
    const out: DiffLine[] = [];
    let budget = maxChars * scale;
    for (const line of lines.slice(0, maxLines * scale)) {
      if (budget <= 0) break;
      out.push(line.text.length > budget ? { ...line, text: textPrefix(line.text, budget) } : line);
      budget -= line.text.length + 1;
    }
    return out;
  }, [lines, maxLines, maxChars, scale]);
  const truncated =
    shown.length < lines.length ||
    (shown.at(-1)?.text.length ?? 0) < (lines[shown.length - 1]?.text.length ?? 0);
  const same = lines.every((l) => l.change === 'unchanged');
  return (
    <div {...props} ref={ref} data-truncated={truncated ? '' : undefined}>
      {same ? <p className="al-diff__same">{m.noChange}</p> : null}
      {lines.length === 0 ? null : (
        <ol className="al-diff__lines" aria-label={m.diffLabel(path)}>
          {shown.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines of a diff have no identity.
            <li key={i} className="al-diff__line" data-change={line.change}>
              {line.change !== 'unchanged' ? (
                <span className="al-visually-hidden">{m[line.change]}: </span>
              ) : null}
              <span className="al-diff__sign" aria-hidden="true">
                {SIGNS[line.change]}
              </span>
              {visibleText(line.text)}
            </li>
          ))}
        </ol>
      )}
      {truncated ? (
        <p className="al-text-block__more">
          <span>{m.linesShown(shown.length, lines.length)}</span>{' '}
          <button type="button" className="al-link-button" onClick={() => setScale((x) => x * 4)}>
            {m.showMore}
          </button>
        </p>
      ) : null}
    </div>
  );
});
