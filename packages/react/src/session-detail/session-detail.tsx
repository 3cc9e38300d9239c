import type { PolicyEvent, QueryEvent, Session, Verdict } from '@auditlane/client';
import { formatActor, summarizeCounters } from '@auditlane/client/helpers';
import * as AlertDialog from 'radix-ui/alert-dialog';
import { type ReactNode, useId, useState } from 'react';
import { copyText } from '../internal/clipboard';
import { cx } from '../internal/cx';
import { cellText, formatDuration, formatTime, statusLabel, toPlainText } from '../internal/format';
import type {
  ActivityItem,
  DownloadAvailability,
  SessionDetailProps,
} from './session-detail.types';
import { ToolCallView } from './tool-call';
import { type UseSessionDetailResult, useSessionDetail } from './use-session-detail';

/**
 * One session: who, where, when and what happened. The meta panel, a summary, the activity log
 * as a timeline (verdicts, reviews, masked fields, results, output), the actions, and a slot for
 * the replay. Recorded content is rendered as text, never as HTML.
 */
export function SessionDetail(props: SessionDetailProps) {
  const detail = useSessionDetail(props);
  const { session, status, error } = detail;
  if (status === 'error' && !session) {
    return (
      <section className={cx('al-session-detail', props.className)} data-state="error">
        <p role="alert">Could not load the session: {error?.message ?? 'unknown error'}</p>
        <button type="button" className="al-button" onClick={detail.reload}>
          Retry
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
        <p role="status">Loading session…</p>
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
          {formatActor(session.actor)} on {session.resource.name}
        </h2>
        <span className="al-badge al-status" data-status={session.status}>
          {statusLabel(session.status)}
        </span>
        {detail.live ? (
          <span className="al-live" role="status">
            live
          </span>
        ) : null}
      </header>
      <Actions detail={detail} props={props} session={session} />
      <Meta session={session} />
      {props.replay ? <div className="al-session-detail__replay">{props.replay}</div> : null}
      <Activity detail={detail} props={props} />
    </section>
  );
}

function Meta({ session }: { session: Session }) {
  const summary = summarizeCounters(session.counters);
  const rows: [string, ReactNode][] = [
    [session.actor.type === 'agent' ? 'Agent' : 'User', formatActor(session.actor)],
  ];
  if (session.actor.onBehalfOf) rows.push(['On behalf of', session.actor.onBehalfOf]);
  rows.push(
    [
      'Resource',
      `${session.resource.name} (${session.resource.type}${session.resource.engine ? ` · ${session.resource.engine}` : ''})`,
    ],
    ['Environment', session.resource.environment],
    [
      'Started',
      <time key="s" dateTime={session.startedAt}>
        {formatTime(session.startedAt)}
      </time>,
    ],
    [
      'Ended',
      session.endedAt ? (
        <time key="e" dateTime={session.endedAt}>
          {formatTime(session.endedAt)}
        </time>
      ) : (
        '—'
      ),
    ],
    ['Duration', formatDuration(session.durationMs)],
    ['Status', statusLabel(session.status)],
  );
  if (session.endpoint) rows.push(['From', session.endpoint]);
  if (session.credential)
    rows.push(['Credential', session.credential.name ?? session.credential.kind]);
  if (session.model) rows.push(['Model', session.model]);
  if (session.reason) rows.push(['Reason', session.reason]);
  if (session.closeReason) rows.push(['Closed', session.closeReason]);
  return (
    <div className="al-session-detail__meta">
      <p className="al-session-detail__summary" data-testid="summary">
        {summary || 'Nothing recorded yet'}
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
}: {
  detail: UseSessionDetailResult;
  props: SessionDetailProps;
  session: Session;
}) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async (what: string, text: string) => {
    setCopied((await copyText(text)) ? what : `${what}-failed`);
    setTimeout(() => setCopied(null), 1500);
  };
  const shareUrl = () =>
    props.getShareUrl?.(session) ?? (typeof window === 'undefined' ? '' : window.location.href);
  return (
    <div className="al-session-detail__actions" role="toolbar" aria-label="Session actions">
      <button type="button" className="al-button" onClick={() => copy('id', session.id)}>
        {copied === 'id' ? 'Copied' : 'Copy session id'}
      </button>
      <WithReason availability={detail.download}>
        {(describedBy) => (
          <button
            type="button"
            className="al-button"
            onClick={() => detail.downloadLogs()}
            disabled={!detail.download.allowed}
            aria-describedby={describedBy}
          >
            Download logs
          </button>
        )}
      </WithReason>
      <button type="button" className="al-button" onClick={() => copy('share', shareUrl())}>
        {copied === 'share' ? 'Link copied' : 'Share link'}
      </button>
      {props.onRerun ? (
        <button type="button" className="al-button" onClick={() => props.onRerun?.(session)}>
          Re-run
        </button>
      ) : null}
      {detail.canRevoke ? <RevokeButton detail={detail} /> : null}
      {detail.action.state === 'error' ? (
        <span role="alert" className="al-error">
          {detail.action.error.message}
        </span>
      ) : null}
      {copied?.endsWith('-failed') ? (
        <span role="alert" className="al-error">
          The browser refused to copy.
        </span>
      ) : null}
    </div>
  );
}

function RevokeButton({ detail }: { detail: UseSessionDetailResult }) {
  const [reason, setReason] = useState('');
  return (
    <AlertDialog.Root>
      <AlertDialog.Trigger className="al-button al-button--danger">Revoke</AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="al-dialog__overlay" />
        <AlertDialog.Content className="al-dialog">
          <AlertDialog.Title className="al-dialog__title">Revoke this session?</AlertDialog.Title>
          <AlertDialog.Description className="al-dialog__description">
            The recorder ends the session at once. This cannot be undone.
          </AlertDialog.Description>
          <label className="al-dialog__field">
            Reason (optional)
            <input
              className="al-input"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              maxLength={2000}
            />
          </label>
          <div className="al-dialog__buttons">
            <AlertDialog.Cancel className="al-button">Cancel</AlertDialog.Cancel>
            <AlertDialog.Action
              className="al-button al-button--danger"
              onClick={() => detail.revoke(reason.trim() || undefined)}
            >
              Revoke session
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

/**
 * A control that may be disabled with a reason: the reason is visible text, and the control is
 * described by it (screen readers read it with the control).
 */
function WithReason({
  availability,
  children,
}: {
  availability: DownloadAvailability;
  children: (describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  if (availability.allowed) return <>{children(undefined)}</>;
  return (
    <span className="al-disabled-with-reason" data-disabled="">
      {children(id)}
      <span id={id} className="al-disabled-with-reason__text">
        {availability.reason}
      </span>
    </span>
  );
}

function Activity({
  detail,
  props,
}: {
  detail: UseSessionDetailResult;
  props: SessionDetailProps;
}) {
  const { activity } = detail;
  return (
    <section className="al-activity" aria-label="Activity">
      <h3 className="al-activity__title">Activity</h3>
      {activity.length === 0 ? (
        <p className="al-activity__empty" role="status">
          {detail.status === 'loading' ? 'Loading activity…' : 'No activity recorded.'}
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
            />
          ))}
        </ol>
      )}
    </section>
  );
}

const KIND_LABELS: Record<string, string> = {
  command: 'Command',
  query: 'Query',
  tool_call: 'Tool call',
  llm_call: 'LLM call',
  file: 'File',
  outbound: 'Request',
  lifecycle: 'Session',
  policy: 'Policy',
};

function ActivityEntry({
  item,
  detail,
  current,
  onSelect,
}: {
  item: ActivityItem;
  detail: UseSessionDetailResult;
  current: boolean;
  onSelect: SessionDetailProps['onSelectEvent'];
}) {
  const event = item.event;
  return (
    <li
      className="al-timeline__item"
      data-kind={event.type}
      data-verdict={item.verdict ?? undefined}
      data-current={current ? '' : undefined}
      aria-current={current ? 'step' : undefined}
    >
      <div className="al-timeline__head">
        <span className="al-timeline__kind">{KIND_LABELS[event.type] ?? event.type}</span>
        <time className="al-timeline__time" dateTime={item.time}>
          {formatTime(item.time)}
        </time>
        {item.verdict ? <VerdictBadge item={item} /> : null}
        {item.masked.count > 0 ? (
          <span
            className="al-badge al-badge--masked"
            title={
              item.masked.fields.length ? `Masked: ${item.masked.fields.join(', ')}` : undefined
            }
          >
            {item.masked.count} {item.masked.count === 1 ? 'field' : 'fields'} masked
          </span>
        ) : null}
        {onSelect ? (
          <button type="button" className="al-link-button" onClick={() => onSelect(item)}>
            Show in replay
          </button>
        ) : null}
      </div>
      <EntryBody item={item} detail={detail} />
      <Verdicts verdicts={item.verdicts} />
      {item.pendingReviewId && detail.canReview ? (
        // biome-ignore lint/a11y/useSemanticElements: two buttons, not a form.
        <div className="al-review" role="group" aria-label="Review">
          <button
            type="button"
            className="al-button al-button--primary"
            disabled={detail.action.state === 'busy'}
            onClick={() => detail.decide(item.pendingReviewId as string, 'approved')}
          >
            Approve
          </button>
          <button
            type="button"
            className="al-button al-button--danger"
            disabled={detail.action.state === 'busy'}
            onClick={() => detail.decide(item.pendingReviewId as string, 'rejected')}
          >
            Reject
          </button>
        </div>
      ) : null}
    </li>
  );
}

/** A verdict as a step of the history under an entry. */
const VERDICT_STEPS: Record<Verdict, string> = {
  passed: 'Passed',
  blocked: 'Blocked',
  pending: 'Held for review',
  approved: 'Approved',
  rejected: 'Rejected',
};

/** A reviewer decided it (approved or rejected): "by @name" applies. */
function decided(verdict: Verdict | null): boolean {
  return verdict === 'approved' || verdict === 'rejected';
}

function VerdictBadge({ item }: { item: ActivityItem }) {
  const reviewer = item.verdicts.at(-1)?.reviewer;
  const text =
    decided(item.verdict) && reviewer
      ? `${item.verdict} by @${reviewer}`
      : item.verdict === 'pending'
        ? 'pending review'
        : (item.verdict ?? '');
  return (
    <span className="al-badge al-verdict" data-verdict={item.verdict ?? undefined}>
      {text}
    </span>
  );
}

/** The verdict history beyond the badge: reasons, and the pending → decided steps. */
function Verdicts({ verdicts }: { verdicts: PolicyEvent[] }) {
  const notable = verdicts.filter((v) => v.reason || v.verdict !== 'passed');
  if (notable.length === 0) return null;
  return (
    <ul className="al-verdicts">
      {notable.map((v) => (
        <li key={v.id} data-verdict={v.verdict}>
          {VERDICT_STEPS[v.verdict]}
          {decided(v.verdict) && v.reviewer ? ` by @${v.reviewer}` : ''}
          {v.reason ? `: ${v.reason}` : ''}
          {v.rule ? <span className="al-verdicts__rule"> (rule {v.rule})</span> : null}
        </li>
      ))}
    </ul>
  );
}

function EntryBody({ item, detail }: { item: ActivityItem; detail: UseSessionDetailResult }) {
  const event = item.event;
  switch (event.type) {
    case 'command':
      return (
        <>
          <pre className="al-code">{event.text}</pre>
          {event.exitCode !== undefined && event.exitCode !== null ? (
            <span className="al-timeline__meta">exit {event.exitCode}</span>
          ) : null}
          {event.durationMs !== undefined ? (
            <span className="al-timeline__meta">{formatDuration(event.durationMs)}</span>
          ) : null}
          {event.output ? <Output text={event.output} truncated={event.outputTruncated} /> : null}
        </>
      );
    case 'query':
      return <QueryBody event={event} item={item} detail={detail} />;
    case 'tool_call':
      return <ToolCallView event={event} />;
    case 'llm_call':
      return (
        <p className="al-timeline__text">
          {event.model}: {event.inputTokens.toLocaleString('en-US')} in /{' '}
          {event.outputTokens.toLocaleString('en-US')} out
          {event.costUsd ? ` · $${event.costUsd.toFixed(4)}` : ''}
        </p>
      );
    case 'file':
      return (
        <p className="al-timeline__text">
          {event.operation} <code>{event.path}</code>
        </p>
      );
    case 'outbound':
      return (
        <p className="al-timeline__text">
          {event.method ?? ''} {event.url ?? `${event.protocol}://${event.host}`}
          {event.status ? ` → ${event.status}` : ''}
        </p>
      );
    case 'lifecycle':
      return (
        <p className="al-timeline__text">
          {event.action === 'end'
            ? `Ended${event.exitCode !== undefined ? ` (exit ${event.exitCode})` : ''}`
            : event.action === 'revoke'
              ? `Revoked${event.by ? ` by ${event.by}` : ''}`
              : event.action === 'drop'
                ? 'Connection dropped'
                : event.action === 'reconnect'
                  ? 'Reconnected'
                  : event.action}
          {event.reason ? `: ${event.reason}` : ''}
        </p>
      );
    case 'policy':
      if (item.review) {
        return (
          <>
            <pre className="al-code">{item.review.subject.text}</pre>
            {item.review.comment ? (
              <p className="al-timeline__meta">Reviewer: {item.review.comment}</p>
            ) : null}
          </>
        );
      }
      return event.verdict === 'pending' || event.reason ? null : (
        <p className="al-timeline__text">{event.rule ?? 'Policy decision'}</p>
      );
    default:
      return null;
  }
}

const OUTPUT_PREVIEW = 4000;

function Output({ text, truncated }: { text: string; truncated?: boolean }) {
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
          {expanded ? 'Show less' : 'Show all output'}
        </button>
      ) : null}
      {truncated ? <p className="al-timeline__meta">Output truncated by the recorder.</p> : null}
    </div>
  );
}

function QueryBody({
  event,
  item,
  detail,
}: {
  event: QueryEvent;
  item: ActivityItem;
  detail: UseSessionDetailResult;
}) {
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
                {event.truncated || total > rows.length
                  ? `Showing ${rows.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows`
                  : `${total.toLocaleString('en-US')} ${total === 1 ? 'row' : 'rows'}`}
                {event.durationMs !== undefined ? ` · ${formatDuration(event.durationMs)}` : ''}
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
            <WithReason availability={detail.download}>
              {(describedBy) => (
                <button
                  type="button"
                  className="al-button"
                  disabled={!detail.download.allowed}
                  aria-describedby={describedBy}
                  onClick={() => detail.downloadResult(item.id, event.resultRef as string)}
                >
                  Download full result
                </button>
              )}
            </WithReason>
          ) : null}
        </div>
      ) : event.rowCount !== undefined && event.rowCount !== null ? (
        <span className="al-timeline__meta">
          {event.rowCount.toLocaleString('en-US')} {event.rowCount === 1 ? 'row' : 'rows'}
        </span>
      ) : null}
    </>
  );
}
