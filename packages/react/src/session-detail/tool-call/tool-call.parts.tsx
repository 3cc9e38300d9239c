/**
 * A tool call's parts: `Root` describes the event (`describeToolCall`) and shares it through
 * context; the others render what its kind has — `Tool` (the tool's name), `Subject` (the
 * command, file, URL, query, or MCP server and tool), `Details` (the other inputs), `Body` (the
 * output as terminal text, a file's content, an edit's diff, the results), `ErrorText`, and `Raw`
 * (the event's JSON behind a disclosure). Each renders nothing when its kind has nothing to show.
 * No presentational styles here: the default composition (`ToolCallView`) adds the classes.
 */
import * as Collapsible from 'radix-ui/collapsible';
import { Slot } from 'radix-ui/slot';
import {
  type ComponentPropsWithoutRef,
  createContext,
  forwardRef,
  type ReactNode,
  type Ref,
  useContext,
  useMemo,
  useState,
} from 'react';
import { useMessages } from '../../provider/auditlane-provider';
import { describeToolCall } from './describe-tool-call';
import { EditDiff } from './edit-diff';
import { PlainText, TerminalText } from './terminal-text';
import { DEFAULT_MAX_CHARS, visibleText } from './terminal-text.utils';
import { type ToolCallMessages, toolCallDefaults } from './tool-call.messages';
import type {
  ToolCallData,
  ToolCallDescription,
  ToolCallRootProps,
  ToolField,
} from './tool-call.types';
import { formatJson, withResult } from './tool-call.utils';

interface ToolCallContextValue {
  event: ToolCallData;
  description: ToolCallDescription;
  messages: ToolCallMessages;
  maxChars: number;
}

const ToolCallContext = createContext<ToolCallContextValue | null>(null);

function useToolCallPart(part: string): ToolCallContextValue {
  const value = useContext(ToolCallContext);
  if (!value) throw new Error(`ToolCallView.${part} must be used within ToolCallView.Root`);
  return value;
}

/** The call: `data-kind` its kind (bash, file-edit, mcp…), `data-tool` the tool's name. */
export const Root = forwardRef<HTMLDivElement, ToolCallRootProps>(function ToolCallRoot(
  { event: call, result, messages, maxChars = DEFAULT_MAX_CHARS, asChild, children, ...props },
  ref,
) {
  const event = useMemo(() => withResult(call, result), [call, result]);
  const description = useMemo(() => describeToolCall(event), [event]);
  // English, then the provider's messages, then these (SessionDetail passes its own and the
  // provider's translations of the group).
  const override = useMemo(
    () => (messages && Object.keys(messages).length > 0 ? { toolCall: messages } : null),
    [messages],
  );
  const strings = useMessages(toolCallDefaults, override).toolCall;
  const value = useMemo(
    () => ({ event, description, messages: strings, maxChars }),
    [event, description, strings, maxChars],
  );
  const Element = asChild ? Slot : 'div';
  return (
    <ToolCallContext.Provider value={value}>
      <Element
        {...props}
        ref={ref}
        data-kind={description.kind}
        data-tool={description.tool}
        data-failed={description.error ? '' : undefined}
      >
        {children}
      </Element>
    </ToolCallContext.Provider>
  );
});

/** The tool's name ("MCP" for an MCP tool: its server and name are the subject). */
export const Tool = forwardRef<HTMLSpanElement, ComponentPropsWithoutRef<'span'>>(
  function ToolCallTool(props, ref) {
    const { description, messages } = useToolCallPart('Tool');
    return (
      <span {...props} ref={ref}>
        {description.kind === 'mcp' ? messages.mcp : visibleText(description.tool)}
      </span>
    );
  },
);

/**
 * What the call is about: a command line (a `pre`), or a file path, URL, query or pattern, or
 * an MCP server and tool (a `code`). Text only: a URL is never a link.
 */
export const Subject = forwardRef<HTMLElement, ComponentPropsWithoutRef<'code'>>(
  function ToolCallSubject(props, ref) {
    const { description: d, messages } = useToolCallPart('Subject');
    if (d.kind === 'bash') {
      if (d.command === null) return null;
      return (
        <pre {...props} ref={ref as Ref<HTMLPreElement>}>
          <span aria-hidden="true">$ </span>
          {visibleText(d.command)}
        </pre>
      );
    }
    const text =
      d.kind === 'file-read' || d.kind === 'file-write' || d.kind === 'file-edit'
        ? d.path
        : d.kind === 'fetch'
          ? d.url
          : d.kind === 'search'
            ? d.query
            : d.kind === 'mcp'
              ? messages.mcpTool(d.server, d.name)
              : null;
    if (text === null) return null;
    return (
      <code {...props} ref={ref}>
        {visibleText(text)}
      </code>
    );
  },
);

type Row = [label: string, value: unknown];

function detailRows(d: ToolCallDescription, m: ToolCallMessages): Row[] {
  const rows: Row[] = [];
  const add = (label: string, value: unknown) => {
    if (value !== null && value !== undefined && value !== false) rows.push([label, value]);
  };
  switch (d.kind) {
    case 'bash':
      add(m.description, d.description);
      add(m.timeout, d.timeoutMs === null ? null : m.formatDuration(d.timeoutMs));
      add(m.background, d.background ? m.yes : null);
      break;
    case 'file-read':
      add(m.lines, d.offset === null && d.limit === null ? null : m.lineRange(d.offset, d.limit));
      break;
    case 'file-edit':
      add(m.cell, d.cell ? m.cellAction(d.cell) : null);
      break;
    case 'fetch':
      add(m.prompt, d.prompt);
      add(m.status, d.status);
      break;
    case 'search':
      add(m.searchPath, d.path);
      add(m.searchGlob, d.glob);
      for (const o of d.options) add(o.name ?? m.input, o.value);
      add(m.allowedDomains, d.allowedDomains.length ? d.allowedDomains.join(', ') : null);
      add(m.blockedDomains, d.blockedDomains.length ? d.blockedDomains.join(', ') : null);
      break;
    case 'mcp':
      for (const f of d.arguments) rows.push(field(f, m));
      break;
    case 'other':
      for (const f of d.fields) rows.push(field(f, m));
      break;
  }
  if (d.durationMs !== null) add(m.duration, m.formatDuration(d.durationMs));
  return rows;
}

const field = (f: ToolField, m: ToolCallMessages): Row => [f.name ?? m.input, f.value];

function compactJson(value: unknown): string | null {
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}

/** A value of the input: short text inline, long or multi-line text and JSON as a block. */
function Value({
  value,
  maxChars,
  messages,
}: {
  value: unknown;
  maxChars: number;
  messages: ToolCallMessages;
}) {
  if (typeof value !== 'string') {
    const compact = compactJson(value);
    if (compact !== null && compact.length <= 120) return <code>{visibleText(compact)}</code>;
  }
  const text = typeof value === 'string' ? value : formatJson(value);
  if (text.length <= 120 && !text.includes('\n')) return visibleText(text);
  return (
    <PlainText className="al-text-block" text={text} maxChars={maxChars} messages={messages} />
  );
}

/**
 * The call's other inputs as a description list: a command's description and timeout, the
 * lines read, a search's scope, an MCP tool's or any other tool's arguments, the duration.
 */
export const Details = forwardRef<HTMLDListElement, ComponentPropsWithoutRef<'dl'>>(
  function ToolCallDetails(props, ref) {
    const { description, messages, maxChars } = useToolCallPart('Details');
    const rows = detailRows(description, messages);
    if (rows.length === 0) return null;
    return (
      <dl {...props} ref={ref}>
        {rows.map(([label, value], i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a tool's input may repeat a label.
          <div key={i}>
            <dt>{visibleText(label)}</dt>
            <dd>
              <Value value={value} maxChars={maxChars} messages={messages} />
            </dd>
          </div>
        ))}
      </dl>
    );
  },
);

/** A labelled block of the body. */
function Block({ label, name, children }: { label: string; name: string; children: ReactNode }) {
  return (
    <div className="al-tool-call__block" data-block={name}>
      <p className="al-tool-call__label">{label}</p>
      {children}
    </div>
  );
}

function FileList({
  files,
  messages,
  maxLines = 200,
}: {
  files: string[];
  messages: ToolCallMessages;
  maxLines?: number;
}) {
  const [limit, setLimit] = useState(maxLines);
  return (
    <>
      <ul className="al-tool-call__files">
        {files.slice(0, limit).map((f, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a list of names may repeat one.
          <li key={i}>{visibleText(f)}</li>
        ))}
      </ul>
      {limit < files.length ? (
        <p className="al-text-block__more">
          <span>{messages.linesShown(limit, files.length)}</span>{' '}
          <button type="button" className="al-link-button" onClick={() => setLimit((l) => l * 4)}>
            {messages.showMore}
          </button>
        </p>
      ) : null}
    </>
  );
}

function bodyOf({ description: d, messages: m, maxChars }: ToolCallContextValue): ReactNode {
  const plain = (name: string, label: string, text: string | null) =>
    text === null ? null : (
      <Block key={name} name={name} label={label}>
        <PlainText className="al-text-block" text={text} maxChars={maxChars} messages={m} />
      </Block>
    );
  switch (d.kind) {
    case 'bash': {
      if (d.stdout === null && d.stderr === null) return null;
      return (
        <>
          {d.stdout ? (
            <Block name="stdout" label={m.output}>
              <TerminalText
                className="al-text-block al-text-block--terminal"
                text={d.stdout}
                maxChars={maxChars}
                messages={m}
              />
            </Block>
          ) : null}
          {d.stderr ? (
            <Block name="stderr" label={m.stderr}>
              <TerminalText
                className="al-text-block al-text-block--terminal"
                text={d.stderr}
                maxChars={maxChars}
                messages={m}
              />
            </Block>
          ) : null}
          {!d.stdout && !d.stderr ? <p className="al-tool-call__note">{m.noOutput}</p> : null}
          {d.interrupted ? <p className="al-tool-call__note">{m.interrupted}</p> : null}
        </>
      );
    }
    case 'file-read':
    case 'file-write':
      return plain('content', m.content, d.content);
    case 'file-edit':
      return d.edits.map((edit, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: edits have no identity but their place.
        <div key={i} className="al-tool-call__block" data-block="edit">
          {d.edits.length > 1 || edit.replaceAll ? (
            <p className="al-tool-call__label">
              {d.edits.length > 1 ? m.editOf(i + 1, d.edits.length) : null}
              {d.edits.length > 1 && edit.replaceAll ? ', ' : null}
              {edit.replaceAll ? m.replaceAll : null}
            </p>
          ) : null}
          <EditDiff
            className="al-diff"
            oldText={edit.oldString}
            newText={edit.newString}
            path={d.path}
            maxChars={maxChars}
            messages={m}
          />
        </div>
      ));
    case 'search':
      return (
        <>
          {d.files ? (
            <Block name="files" label={m.files(d.files.length)}>
              {d.files.length ? <FileList files={d.files} messages={m} /> : null}
            </Block>
          ) : null}
          {plain('result', m.result, d.result)}
        </>
      );
    case 'fetch':
    case 'mcp':
    case 'other':
      return plain('result', m.result, d.result);
  }
}

/**
 * What the call produced, in its tool's terms: a command's output and errors as terminal text,
 * the content read or written, each edit as a diff, the files and results found, a result's
 * text.
 */
export const Body = forwardRef<HTMLDivElement, ComponentPropsWithoutRef<'div'>>(
  function ToolCallBody(props, ref) {
    const context = useToolCallPart('Body');
    const body = bodyOf(context);
    if (body === null || (Array.isArray(body) && body.length === 0)) return null;
    return (
      <div {...props} ref={ref}>
        {body}
      </div>
    );
  },
);

/** Why the call failed, when it did. */
export const ErrorText = forwardRef<HTMLParagraphElement, ComponentPropsWithoutRef<'p'>>(
  function ToolCallError(props, ref) {
    const { description, messages } = useToolCallPart('ErrorText');
    if (!description.error) return null;
    return (
      <p {...props} ref={ref}>
        {messages.failed}: {visibleText(description.error)}
      </p>
    );
  },
);

export interface RawProps extends Omit<ComponentPropsWithoutRef<'div'>, 'children'> {
  open?: boolean;
  defaultOpen?: boolean;
  onOpenChange?: (open: boolean) => void;
  triggerClassName?: string;
  contentClassName?: string;
}

/**
 * The event's input and output as indented JSON (line breaks in strings as line breaks), behind
 * a disclosure; rendered only while open. `data-state="open|closed"`.
 */
export const Raw = forwardRef<HTMLDivElement, RawProps>(function ToolCallRaw(
  { open, defaultOpen, onOpenChange, triggerClassName, contentClassName, ...props },
  ref,
) {
  const { event, messages, maxChars } = useToolCallPart('Raw');
  if (event.input === undefined && event.output === undefined) return null;
  return (
    <Collapsible.Root
      {...props}
      ref={ref}
      open={open}
      defaultOpen={defaultOpen}
      onOpenChange={onOpenChange}
    >
      <Collapsible.Trigger className={triggerClassName}>{messages.raw}</Collapsible.Trigger>
      <Collapsible.Content className={contentClassName}>
        {event.input !== undefined ? (
          <Block name="raw-input" label={messages.rawInput}>
            <PlainText
              className="al-text-block"
              text={formatJson(event.input)}
              maxChars={maxChars}
              messages={messages}
            />
          </Block>
        ) : null}
        {event.output !== undefined ? (
          <Block name="raw-output" label={messages.rawOutput}>
            <PlainText
              className="al-text-block"
              text={formatJson(event.output)}
              maxChars={maxChars}
              messages={messages}
            />
          </Block>
        ) : null}
      </Collapsible.Content>
    </Collapsible.Root>
  );
});
