import type { PolicyEvent, QueryEvent, Verdict } from '@auditlane/client';
import { type ComponentType, lazy, type ReactNode, Suspense, useId, useState } from 'react';
import { cellText, toPlainText } from '../internal/format';
import { ArrowRightIcon } from '../internal/icons';
import { useHydrated } from '../internal/use-hydrated';
import type { SessionDetailMessageGroups as Messages } from '../provider/session-detail.messages';
import type { RevokeDialog } from './revoke-dialog';
import type { ActivityEvent, ActivityItem, DownloadAvailability } from './session-detail.types';
import type { UseSessionDetailResult } from './use-session-detail';
import { visibleText } from './visible-text';

/* The views inside an activity entry and the actions' controls (internal to the parts). */

export function RevokeButton({
  detail,
  messages,
}: {
  detail: UseSessionDetailResult;
  messages: Messages;
}) {
  // The dialog's code (Radix AlertDialog, focus trap, scroll lock) loads when it is first asked
  // for; until then the trigger is a plain button with the same ARIA. A chunk that failed to load
  // says so, and Retry (or the button again) asks for it again.
  const [Dialog, setDialog] = useState<typeof RevokeDialog | null>(null);
  const [failed, setFailed] = useState(false);
  const m = messages.sessionDetail;
  if (Dialog) return <Dialog detail={detail} messages={messages} defaultOpen />;
  const load = () => {
    setFailed(false);
    import('./revoke-dialog')
      .then(({ RevokeDialog }) => setDialog(() => RevokeDialog))
      .catch(() => setFailed(true));
  };
  return (
    <>
      <button
        type="button"
        className="al-button al-button--danger"
        aria-haspopup="dialog"
        aria-expanded={false}
        data-state="closed"
        onClick={load}
      >
        {m.revoke}
      </button>
      {failed ? (
        <span className="al-error" data-state="error">
          <span role="alert">{m.revokeLoadError}</span>{' '}
          <button type="button" className="al-link-button" onClick={load}>
            {messages.common.retry}
          </button>
        </span>
      ) : null}
    </>
  );
}

/**
 * A control that may be disabled with a reason: the reason is visible text, and the control is
 * described by it (screen readers read it with the control).
 */
export function WithReason({
  availability,
  messages,
  children,
}: {
  availability: DownloadAvailability;
  messages: Messages;
  children: (describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  if (availability.allowed) return <>{children(undefined)}</>;
  return (
    <span className="al-disabled-with-reason" data-disabled="">
      {children(id)}
      <span id={id} className="al-disabled-with-reason__text">
        {availability.reason ? messages.sessionDetail.downloadBlocked[availability.reason] : null}
      </span>
    </span>
  );
}

/** A reviewer decided it (approved or rejected): "by @name" applies. */
function decided(verdict: Verdict | null): boolean {
  return verdict === 'approved' || verdict === 'rejected';
}

export function VerdictBadge({ item, messages }: { item: ActivityItem; messages: Messages }) {
  const reviewer = item.verdicts.at(-1)?.reviewer ?? null;
  const text = item.verdict ? messages.sessionDetail.verdictBadge(item.verdict, reviewer) : '';
  return (
    <span className="al-badge al-verdict" data-verdict={item.verdict ?? undefined}>
      {text}
    </span>
  );
}

/** The verdict history beyond the badge: reasons, and the pending → decided steps. */
export function Verdicts({ verdicts, messages }: { verdicts: PolicyEvent[]; messages: Messages }) {
  const m = messages.sessionDetail;
  const notable = verdicts.filter((v) => v.reason || v.verdict !== 'passed');
  if (notable.length === 0) return null;
  return (
    <ul className="al-verdicts">
      {notable.map((v) => (
        <li key={v.id} data-verdict={v.verdict}>
          {m.verdictStep[v.verdict] ?? v.verdict}
          {decided(v.verdict) && v.reviewer ? m.decidedBy(v.reviewer) : ''}
          {v.reason ? `: ${visibleText(v.reason)}` : ''}
          {v.rule ? <span className="al-verdicts__rule">{m.rule(visibleText(v.rule))}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function EntryBody({
  item,
  detail,
  messages,
}: {
  item: ActivityItem;
  detail: UseSessionDetailResult;
  messages: Messages;
}) {
  const event = item.event;
  const m = messages.sessionDetail;
  switch (event.type) {
    case 'command':
      return (
        <>
          <pre className="al-code">{visibleText(event.text)}</pre>
          {event.exitCode !== undefined && event.exitCode !== null ? (
            <span className="al-timeline__meta">{m.exitCode(event.exitCode)}</span>
          ) : null}
          {event.durationMs !== undefined ? (
            <span className="al-timeline__meta">{messages.common.duration(event.durationMs)}</span>
          ) : null}
          {event.output ? (
            <Output text={event.output} truncated={event.outputTruncated} messages={messages} />
          ) : null}
        </>
      );
    case 'query':
      return <QueryBody event={event} item={item} detail={detail} messages={messages} />;
    case 'tool_call':
      return <ToolCallOnDemand event={event} result={item.result} messages={messages} />;
    case 'llm_call':
      return <p className="al-timeline__text">{visibleText(m.llmCall(event))}</p>;
    case 'file':
      return (
        <p className="al-timeline__text">
          {m.fileOperation[event.operation] ?? event.operation}{' '}
          <code>{visibleText(event.path)}</code>
        </p>
      );
    case 'outbound':
      return (
        <p className="al-timeline__text">
          {visibleText(event.method ?? '')}{' '}
          {visibleText(event.url ?? `${event.protocol}://${event.host}`)}
          {event.status ? (
            <>
              {' '}
              <ArrowRightIcon /> {event.status}
            </>
          ) : null}
        </p>
      );
    case 'lifecycle':
      return <p className="al-timeline__text">{visibleText(m.lifecycle(event))} </p>;
    case 'policy':
      if (item.review) {
        return (
          <>
            <pre className="al-code">{visibleText(item.review.subject.text)}</pre>
            {item.review.comment ? (
              <p className="al-timeline__meta">
                {m.reviewerComment(visibleText(item.review.comment))}
              </p>
            ) : null}
          </>
        );
      }
      return event.verdict === 'pending' || event.reason ? null : (
        <p className="al-timeline__text">
          {event.rule ? visibleText(event.rule) : m.policyDecision}
        </p>
      );
    default:
      return null;
  }
}

const OUTPUT_PREVIEW = 4000;

function Output({
  text,
  truncated,
  messages,
}: {
  text: string;
  truncated?: boolean;
  messages: Messages;
}) {
  const m = messages.sessionDetail;
  const [expanded, setExpanded] = useState(false);
  const plain = visibleText(toPlainText(text));
  const long = plain.length > OUTPUT_PREVIEW;
  return (
    <div className="al-output">
      <pre className="al-output__text">
        {long && !expanded ? `${plain.slice(0, OUTPUT_PREVIEW)}…` : plain}
      </pre>
      {long ? (
        <button type="button" className="al-link-button" onClick={() => setExpanded((e) => !e)}>
          {expanded ? m.showLess : m.showAllOutput}
        </button>
      ) : null}
      {truncated ? <p className="al-timeline__meta">{m.outputTruncated}</p> : null}
    </div>
  );
}

function QueryBody({
  event,
  item,
  detail,
  messages,
}: {
  event: QueryEvent;
  item: ActivityItem;
  detail: UseSessionDetailResult;
  messages: Messages;
}) {
  const m = messages.sessionDetail;
  const rows = event.rows ?? [];
  const columns = event.columns ?? [];
  const total = event.rowCount ?? rows.length;
  return (
    <>
      <pre className="al-code al-code--sql">{visibleText(event.sql)}</pre>
      {event.error ? <p className="al-error">{visibleText(event.error)}</p> : null}
      {columns.length > 0 ? (
        <div className="al-result">
          <div className="al-result__scroll">
            <table className="al-result__table">
              <caption className="al-result__caption">
                {m.resultRows(rows.length, total, Boolean(event.truncated) || total > rows.length)}
                {event.durationMs !== undefined
                  ? ` · ${messages.common.duration(event.durationMs)}`
                  : ''}
              </caption>
              <thead>
                <tr>
                  {columns.map((c, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: columns may repeat a name.
                    <th key={`${c.name}-${i}`} scope="col">
                      {visibleText(c.name)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row, r) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: result rows have no identity.
                  <tr key={r}>
                    {columns.map((c, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: columns may repeat a name.
                      <td key={`${c.name}-${i}`}>{visibleText(cellText(row[i]))}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {event.resultRef ? (
            <WithReason availability={detail.download} messages={messages}>
              {(describedBy) => (
                <button
                  type="button"
                  className="al-button"
                  disabled={!detail.download.allowed}
                  aria-describedby={describedBy}
                  onClick={() => detail.downloadResult(item.id, event.resultRef as string)}
                >
                  {m.downloadResult}
                </button>
              )}
            </WithReason>
          ) : null}
        </div>
      ) : event.rowCount !== undefined && event.rowCount !== null ? (
        <span className="al-timeline__meta">{m.rowCount(event.rowCount)}</span>
      ) : null}
    </>
  );
}

function ToolName({ event }: { event: Extract<ActivityEvent, { type: 'tool_call' }> }) {
  return (
    <p className="al-timeline__text">
      <code>{visibleText(event.tool)}</code>
    </p>
  );
}

// The tool call view (its parts, diffs, terminal text) is the tool-call entry's code, loaded
// when a session shows a tool call; until then, on the server, and when the code fails to load,
// the tool's name. A failed load is asked for again by the next tool call mounted.
const loadToolCallView = () =>
  lazy(() =>
    import('./tool-call/tool-call')
      .then((m) => ({ default: m.ToolCallView as ComponentType<ToolCallViewProps> }))
      .catch(() => {
        LazyToolCallView = loadToolCallView();
        return { default: ToolName as ComponentType<ToolCallViewProps> };
      }),
  );
type ToolCallViewProps = {
  event: Extract<ActivityEvent, { type: 'tool_call' }>;
  result?: Extract<ActivityEvent, { type: 'tool_call' }> | null;
  messages: Messages['toolCall'];
};
let LazyToolCallView = loadToolCallView();

function ToolCallOnDemand({
  event,
  result,
  messages,
}: {
  event: Extract<ActivityEvent, { type: 'tool_call' }>;
  result?: Extract<ActivityEvent, { type: 'tool_call' }> | null;
  messages: Messages;
}) {
  const hydrated = useHydrated();
  // The component at mount: a failed load stays the tool's name here, a later mount retries.
  const [View] = useState(() => LazyToolCallView);
  const fallback = <ToolName event={event} />;
  if (!hydrated) return fallback;
  return (
    <Suspense fallback={fallback}>
      <View event={event} result={result} messages={messages.toolCall} />
    </Suspense>
  );
}
