import { type ComponentPropsWithoutRef, forwardRef, useMemo, useState } from 'react';
import { diffEdit } from './edit-diff.utils';
import { visibleText } from './terminal-text.utils';
import { type ToolCallMessages, toolCallMessages } from './tool-call.messages';

export interface EditDiffProps extends Omit<ComponentPropsWithoutRef<'div'>, 'children'> {
  oldText: string;
  newText: string;
  /** The file, for the diff's accessible name. */
  path?: string | null;
  /** How many lines are rendered at first ("Show more" renders four times as many). Default 500. */
  maxLines?: number;
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
  { oldText, newText, path = null, maxLines = 500, messages, ...props },
  ref,
) {
  const m = { ...toolCallMessages, ...messages };
  const lines = useMemo(() => diffEdit(oldText, newText), [oldText, newText]);
  const [limit, setLimit] = useState(maxLines);
  const shown = lines.slice(0, limit);
  const same = lines.every((l) => l.change === 'unchanged');
  return (
    <div {...props} ref={ref} data-truncated={shown.length < lines.length ? '' : undefined}>
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
      {shown.length < lines.length ? (
        <p className="al-text-block__more">
          <span>{m.linesShown(shown.length, lines.length)}</span>{' '}
          <button type="button" className="al-link-button" onClick={() => setLimit((l) => l * 4)}>
            {m.showMore}
          </button>
        </p>
      ) : null}
    </div>
  );
});
