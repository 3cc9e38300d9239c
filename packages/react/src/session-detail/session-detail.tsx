import type { PolicyEvent, QueryEvent, Session, Verdict } from '@auditlane/client';
import { formatActor } from '@auditlane/client/helpers';
import { lazy, type ReactNode, Suspense, useId, useState } from 'react';
import { copyText } from '../internal/clipboard';
import { cx } from '../internal/cx';
import { cellText, formatTime, statusLabel, toPlainText } from '../internal/format';
import { ArrowRightIcon } from '../internal/icons';
import { useHydrated } from '../internal/use-hydrated';
import { useMessages } from '../provider/auditlane-provider';
import type { Messages } from '../provider/messages';
import type { RevokeDialog } from './revoke-dialog';
import type {
  ActivityEvent,
  ActivityItem,
  DownloadAvailability,
  SessionDetailProps,
} from './session-detail.types';
import { type UseSessionDetailResult, useSessionDetail } from './use-session-detail';

/**
 * One session: who, where, when and what happened. The meta panel, a summary, the activity log
 * as a timeline (verdicts, reviews, masked fields, results, output), the actions, and a slot for
 * the replay. Recorded content is rendered as text, never as HTML.
 */
export function SessionDetail(props: SessionDetailProps) {
  const detail = useSessionDetail(props);
  const messages = useMessages(props.messages);
  const m = messages.sessionDetail;
  const { session, status, error } = detail;
  if (status === 'error' && !session) {
    return (
      <section className={cx('al-session-detail', props.className)} data-state="error">
        <p role="alert">{m.loadError(error?.message ?? messages.common.unknownError)}</p>
        <button type="button" className="al-button" onClick={detail.reload}>
          {messages.common.retry}
        </button>
      </section>
    );
  }
  if (!session) {
    return (
      <section
        className={cx('al-session-detail', props.className)}
        data-state="loading"
        aria-busy="true"
      >
        <p role="status">{m.loading}</p>
      </section>
    );
  }
  return (
    <section
      className={cx('al-session-detail', props.className)}
      data-state={status === 'loading' ? 'loading' : 'ready'}
      data-status={session.status}
      aria-labelledby={`al-title-${session.id}`}
    >
      <header className="al-session-detail__header">
        <h2 id={`al-title-${session.id}`} className="al-session-detail__title">
          {m.title(formatActor(session.actor), session.resource.name)}
        </h2>
        <span className="al-badge al-status" data-status={session.status}>
          {messages.common.status[session.status] ?? statusLabel(session.status)}
        </span>
        {detail.live ? (
          <span className="al-live" role="status">
            {messages.common.live}
          </span>
        ) : null}
      </header>
      <Actions detail={detail} props={props} session={session} messages={messages} />
      <Meta session={session} messages={messages} />
      {props.replay ? <div className="al-session-detail__replay">{props.replay}</div> : null}
      <Activity detail={detail} props={props} messages={messages} />
    </section>
  );
}

function Meta({ session, messages }: { session: Session; messages: Messages }) {
  const m = messages.sessionDetail;
  const l = m.meta;
  const summary = m.summary(session.counters);
  const type = messages.common.resourceType[session.resource.type] ?? session.resource.type;
  const rows: [string, ReactNode][] = [
    [session.actor.type === 'agent' ? l.agent : l.user, formatActor(session.actor)],
  ];
  if (session.actor.onBehalfOf) rows.push([l.onBehalfOf, session.actor.onBehalfOf]);
  rows.push(
    [
      l.resource,
      `${session.resource.name} (${type}${session.resource.engine ? ` · ${session.resource.engine}` : ''})`,
    ],
    [l.environment, session.resource.environment],
    [
      l.started,
      <time key="s" dateTime={session.startedAt}>
        {formatTime(session.startedAt)}
      </time>,
    ],
    [
      l.ended,
      session.endedAt ? (
        <time key="e" dateTime={session.endedAt}>
          {formatTime(session.endedAt)}
        </time>
      ) : (
        '—'
      ),
    ],
    [l.duration, messages.common.duration(session.durationMs)],
    [l.status, messages.common.status[session.status] ?? statusLabel(session.status)],
  );
  if (session.endpoint) rows.push([l.endpoint, session.endpoint]);
  if (session.credential)
    rows.push([l.credential, session.credential.name ?? session.credential.kind]);
  if (session.model) rows.push([l.model, session.model]);
  if (session.reason) rows.push([l.reason, session.reason]);
  if (session.closeReason) rows.push([l.closeReason, session.closeReason]);
  return (
    <div className="al-session-detail__meta">
      <p className="al-session-detail__summary" data-testid="summary">
        {summary || m.nothingRecorded}
      </p>
      <dl className="al-meta">
        {rows.map(([label, value]) => (
          <div key={label} className="al-meta__row">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function Actions({
  detail,
  props,
  session,
  messages,
}: {
  detail: UseSessionDetailResult;
  props: SessionDetailProps;
  session: Session;
  messages: Messages;
}) {
  const m = messages.sessionDetail;
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async (what: string, text: string) => {
    setCopied((await copyText(text)) ? what : `${what}-failed`);
    setTimeout(() => setCopied(null), 1500);
  };
  const shareUrl = () =>
    props.getShareUrl?.(session) ?? (typeof window === 'undefined' ? '' : window.location.href);
  return (
    <div className="al-session-detail__actions" role="toolbar" aria-label={m.actions}>
      <button type="button" className="al-button" onClick={() => copy('id', session.id)}>
        {copied === 'id' ? m.copied : m.copyId}
      </button>
      <WithReason availability={detail.download} messages={messages}>
        {(describedBy) => (
          <button
            type="button"
            className="al-button"
            onClick={() => detail.downloadLogs()}
            disabled={!detail.download.allowed}
            aria-describedby={describedBy}
          >
            {m.downloadLogs}
          </button>
        )}
      </WithReason>
      <button type="button" className="al-button" onClick={() => copy('share', shareUrl())}>
        {copied === 'share' ? m.linkCopied : m.shareLink}
      </button>
      {props.onRerun ? (
        <button type="button" className="al-button" onClick={() => props.onRerun?.(session)}>
          {m.rerun}
        </button>
      ) : null}
      {detail.canRevoke ? <RevokeButton detail={detail} messages={messages} /> : null}
      {detail.action.state === 'error' ? (
        <span role="alert" className="al-error">
          {detail.action.error.message}
        </span>
      ) : null}
      {copied?.endsWith('-failed') ? (
        <span role="alert" className="al-error">
          {m.copyFailed}
        </span>
      ) : null}
    </div>
  );
}

function RevokeButton({
  detail,
  messages,
}: {
  detail: UseSessionDetailResult;
  messages: Messages;
}) {
  // The dialog's code (Radix AlertDialog, focus trap, scroll lock) loads when it is first asked
  // for; until then the trigger is a plain button with the same ARIA.
  const [Dialog, setDialog] = useState<typeof RevokeDialog | null>(null);
  if (Dialog) return <Dialog detail={detail} messages={messages} defaultOpen />;
  return (
    <button
      type="button"
      className="al-button al-button--danger"
      aria-haspopup="dialog"
      aria-expanded={false}
      data-state="closed"
      onClick={() =>
        import('./revoke-dialog').then(
          ({ RevokeDialog }) => setDialog(() => RevokeDialog),
          () => {}, // a chunk that failed to load: the next click tries again
        )
      }
    >
      {messages.sessionDetail.revoke}
    </button>
  );
}

/**
 * A control that may be disabled with a reason: the reason is visible text, and the control is
 * described by it (screen readers read it with the control).
 */
function WithReason({
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

function Activity({
  detail,
  props,
  messages,
}: {
  detail: UseSessionDetailResult;
  props: SessionDetailProps;
  messages: Messages;
}) {
  const { activity } = detail;
  const m = messages.sessionDetail;
  return (
    <section className="al-activity" aria-label={m.activity}>
      <h3 className="al-activity__title">{m.activity}</h3>
      {activity.length === 0 ? (
        <p className="al-activity__empty" role="status">
          {detail.status === 'loading' ? m.loadingActivity : m.noActivity}
        </p>
      ) : (
        <ol className="al-timeline">
          {activity.map((item) => (
            <ActivityEntry
              key={item.id}
              item={item}
              detail={detail}
              current={props.currentEventId === item.id}
              onSelect={props.onSelectEvent}
              messages={messages}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function ActivityEntry({
  item,
  detail,
  current,
  onSelect,
  messages,
}: {
  item: ActivityItem;
  detail: UseSessionDetailResult;
  current: boolean;
  onSelect: SessionDetailProps['onSelectEvent'];
  messages: Messages;
}) {
  const event = item.event;
  const m = messages.sessionDetail;
  return (
    <li
      className="al-timeline__item"
      data-kind={event.type}
      data-verdict={item.verdict ?? undefined}
      data-current={current ? '' : undefined}
      aria-current={current ? 'step' : undefined}
    >
      <div className="al-timeline__head">
        <span className="al-timeline__kind">{m.kind[event.type] ?? event.type}</span>
        <time className="al-timeline__time" dateTime={item.time}>
          {formatTime(item.time)}
        </time>
        {item.verdict ? <VerdictBadge item={item} messages={messages} /> : null}
        {item.masked.count > 0 ? (
          <span
            className="al-badge al-badge--masked"
            title={item.masked.fields.length ? m.maskedFields(item.masked.fields) : undefined}
          >
            {m.masked(item.masked.count)}
          </span>
        ) : null}
        {onSelect ? (
          <button type="button" className="al-link-button" onClick={() => onSelect(item)}>
            {m.showInReplay}
          </button>
        ) : null}
      </div>
      <EntryBody item={item} detail={detail} messages={messages} />
      <Verdicts verdicts={item.verdicts} messages={messages} />
      {item.pendingReviewId && detail.canReview ? (
        // biome-ignore lint/a11y/useSemanticElements: two buttons, not a form.
        <div className="al-review" role="group" aria-label={m.review}>
          <button
            type="button"
            className="al-button al-button--primary"
            disabled={detail.action.state === 'busy'}
            onClick={() => detail.decide(item.pendingReviewId as string, 'approved')}
          >
            {m.approve}
          </button>
          <button
            type="button"
            className="al-button al-button--danger"
            disabled={detail.action.state === 'busy'}
            onClick={() => detail.decide(item.pendingReviewId as string, 'rejected')}
          >
            {m.reject}
          </button>
        </div>
      ) : null}
    </li>
  );
}

/** A reviewer decided it (approved or rejected): "by @name" applies. */
function decided(verdict: Verdict | null): boolean {
  return verdict === 'approved' || verdict === 'rejected';
}

function VerdictBadge({ item, messages }: { item: ActivityItem; messages: Messages }) {
  const reviewer = item.verdicts.at(-1)?.reviewer ?? null;
  const text = item.verdict ? messages.sessionDetail.verdictBadge(item.verdict, reviewer) : '';
  return (
    <span className="al-badge al-verdict" data-verdict={item.verdict ?? undefined}>
      {text}
    </span>
  );
}

/** The verdict history beyond the badge: reasons, and the pending → decided steps. */
function Verdicts({ verdicts, messages }: { verdicts: PolicyEvent[]; messages: Messages }) {
  const m = messages.sessionDetail;
  const notable = verdicts.filter((v) => v.reason || v.verdict !== 'passed');
  if (notable.length === 0) return null;
  return (
    <ul className="al-verdicts">
      {notable.map((v) => (
        <li key={v.id} data-verdict={v.verdict}>
          {m.verdictStep[v.verdict] ?? v.verdict}
          {decided(v.verdict) && v.reviewer ? m.decidedBy(v.reviewer) : ''}
          {v.reason ? `: ${v.reason}` : ''}
          {v.rule ? <span className="al-verdicts__rule">{m.rule(v.rule)}</span> : null}
        </li>
      ))}
    </ul>
  );
}

function EntryBody({
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
          <pre className="al-code">{event.text}</pre>
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
      return <ToolCallOnDemand event={event} messages={messages} />;
    case 'llm_call':
      return <p className="al-timeline__text">{m.llmCall(event)}</p>;
    case 'file':
      return (
        <p className="al-timeline__text">
          {m.fileOperation[event.operation] ?? event.operation} <code>{event.path}</code>
        </p>
      );
    case 'outbound':
      return (
        <p className="al-timeline__text">
          {event.method ?? ''} {event.url ?? `${event.protocol}://${event.host}`}
          {event.status ? (
            <>
              {' '}
              <ArrowRightIcon /> {event.status}
            </>
          ) : null}
        </p>
      );
    case 'lifecycle':
      return <p className="al-timeline__text">{m.lifecycle(event)} </p>;
    case 'policy':
      if (item.review) {
        return (
          <>
            <pre className="al-code">{item.review.subject.text}</pre>
            {item.review.comment ? (
              <p className="al-timeline__meta">{m.reviewerComment(item.review.comment)}</p>
            ) : null}
          </>
        );
      }
      return event.verdict === 'pending' || event.reason ? null : (
        <p className="al-timeline__text">{event.rule ?? m.policyDecision}</p>
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
  const plain = toPlainText(text);
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
      <pre className="al-code al-code--sql">{event.sql}</pre>
      {event.error ? <p className="al-error">{event.error}</p> : null}
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
                      {c.name}
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
                      <td key={`${c.name}-${i}`}>{cellText(row[i])}</td>
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

// The tool call view (its parts, diffs, terminal text) is the tool-call entry's code, loaded
// when a session shows a tool call; until then, and on the server, the tool's name.
const LazyToolCallView = lazy(() =>
  import('./tool-call/tool-call').then((m) => ({ default: m.ToolCallView })),
);

function ToolCallOnDemand({
  event,
  messages,
}: {
  event: Extract<ActivityEvent, { type: 'tool_call' }>;
  messages: Messages;
}) {
  const hydrated = useHydrated();
  const fallback = (
    <p className="al-timeline__text">
      <code>{event.tool}</code>
    </p>
  );
  if (!hydrated) return fallback;
  return (
    <Suspense fallback={fallback}>
      <LazyToolCallView event={event} messages={messages.toolCall} />
    </Suspense>
  );
}
