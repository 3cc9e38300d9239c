import {
  type ComponentPropsWithoutRef,
  type CSSProperties,
  forwardRef,
  type ReactNode,
  useMemo,
  useState,
} from 'react';
import {
  DEFAULT_MAX_CHARS,
  parseTerminalText,
  terminalStyleCss,
  textPrefix,
  visibleText,
} from './terminal-text.utils';
import { type ToolCallMessages, toolCallMessages } from './tool-call.messages';

export interface TextBlockProps extends Omit<ComponentPropsWithoutRef<'div'>, 'children'> {
  text: string;
  /**
   * How many characters are rendered at first; "Show more" renders four times as many each
   * time. Default 20,000.
   */
  maxChars?: number;
  messages?: Partial<Pick<ToolCallMessages, 'showMore' | 'charactersShown'>>;
}

/** What "Show more" does to the limit. */
const GROWTH = 4;

/**
 * A text block that renders at most `limit` characters of its text, with the count and a
 * "Show more" button below when there is more.
 */
const Capped = forwardRef<
  HTMLDivElement,
  Omit<ComponentPropsWithoutRef<'div'>, 'children'> & {
    total: number;
    shown: number;
    onMore: () => void;
    messages: TextBlockProps['messages'];
    children: ReactNode;
  }
>(function Capped({ total, shown, onMore, messages, children, ...props }, ref) {
  const m = { ...toolCallMessages, ...messages };
  const truncated = shown < total;
  return (
    <div {...props} ref={ref} data-truncated={truncated ? '' : undefined}>
      <pre className="al-text-block__text">{children}</pre>
      {truncated ? (
        <p className="al-text-block__more">
          <span>{m.charactersShown(shown, total)}</span>{' '}
          <button type="button" className="al-link-button" onClick={onMore}>
            {m.showMore}
          </button>
        </p>
      ) : null}
    </div>
  );
});

/**
 * A program's output as terminal text: its colours and text attributes shown (the 16 ANSI
 * colours from `--al-term-color-0…15`), every other escape sequence removed (cursor moves, OSC
 * titles, hyperlinks, clipboard writes), nothing interpreted as markup. Renders a `pre` of text
 * and `span`s only, capped at `maxChars` characters with "Show more".
 */
export const TerminalText = forwardRef<HTMLDivElement, TextBlockProps>(function TerminalText(
  { text, maxChars = DEFAULT_MAX_CHARS, messages, ...props },
  ref,
) {
  const [limit, setLimit] = useState(maxChars);
  const parsed = useMemo(() => parseTerminalText(text, { maxChars: limit }), [text, limit]);
  return (
    <Capped
      {...props}
      ref={ref}
      total={parsed.totalChars}
      shown={parsed.readChars}
      onMore={() => setLimit((l) => l * GROWTH)}
      messages={messages}
    >
      {parsed.spans.map((span, i) =>
        span.style ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: runs of text have no identity.
          <span key={i} style={terminalStyleCss(span.style) as CSSProperties}>
            {span.text}
          </span>
        ) : (
          span.text
        ),
      )}
    </Capped>
  );
});

/**
 * Text that is not a terminal's (file content, arguments, results, JSON): control characters
 * shown as their pictures (`␛`), never acting; capped at `maxChars` characters with "Show more".
 */
export const PlainText = forwardRef<HTMLDivElement, TextBlockProps>(function PlainText(
  { text, maxChars = DEFAULT_MAX_CHARS, messages, ...props },
  ref,
) {
  const [limit, setLimit] = useState(maxChars);
  const shown = useMemo(() => textPrefix(text, Math.max(1, limit)), [text, limit]);
  return (
    <Capped
      {...props}
      ref={ref}
      total={text.length}
      shown={shown.length}
      onMore={() => setLimit((l) => l * GROWTH)}
      messages={messages}
    >
      {visibleText(shown)}
    </Capped>
  );
});
