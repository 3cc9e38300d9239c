/**
 * SessionDetail's parts: `Root` holds the session's detail (a `useSessionDetail`) and its
 * activity (a window over the server's pages, or the entries given) and shares them through
 * context; the others render one element each from it. `asChild` renders the host's own element
 * (its only child) with the part's props; refs reach the DOM node. A part outside its Root
 * throws. The default composition (`SessionDetail`) adds the classes of `styles.css`.
 */

import type { Session } from '@auditlane/client';
import { formatActor } from '@auditlane/client/helpers';
import {
  defaultRangeExtractor,
  type Range,
  useVirtualizer,
  type Virtualizer,
} from '@tanstack/react-virtual';
import { Slot } from 'radix-ui/slot';
import {
  type ComponentPropsWithoutRef,
  createContext,
  type ElementType,
  forwardRef,
  type KeyboardEvent,
  memo,
  type ReactNode,
  type Ref,
  useCallback,
  useContext,
  useEffect,
  useId,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ActivityFilters } from '../data/activity-window';
import { copyText } from '../internal/clipboard';
import { composeHandlers, composeRefs } from '../internal/compose';
import { formatTime, statusLabel } from '../internal/format';
import { focusLater as focusLaterIn, keyMove } from '../internal/list-keys';
import { useControllable } from '../internal/use-controllable';
import { useDebouncedText } from '../internal/use-debounced-text';
import { useAuditlaneContext, useMessages } from '../provider/auditlane-provider';
import {
  type SessionDetailMessageGroups as Messages,
  sessionDetailDefaults,
} from '../provider/session-detail.messages';
import { EntryBody, RevokeButton, VerdictBadge, Verdicts, WithReason } from './entry-views';
import type {
  ActivityItem,
  LocalActivitySeek,
  SessionActivityState,
  SessionDetailHandle,
  SessionDetailRootProps,
} from './session-detail.types';
import { useRemoteSessionDetail } from './use-remote-session-detail';
import { refuseEvents, type UseSessionDetailResult, useSessionDetail } from './use-session-detail';
import { visibleText } from './visible-text';

export interface SessionDetailContextValue {
  detail: UseSessionDetailResult;
  activity: SessionActivityState;
  messages: Messages;
  filters: ActivityFilters;
  setFilters: (filters: ActivityFilters) => void;
  onRerun: SessionDetailRootProps['onRerun'];
  getShareUrl: SessionDetailRootProps['getShareUrl'];
  onSelectEvent: SessionDetailRootProps['onSelectEvent'];
  currentEventId: string | null;
  /** The entry the list is at (focused, sought, or first in view): where "next …" starts. */
  position: { current: number | null };
  /** The id of the title (`SessionDetail.Title`), which names the Root's section. */
  titleId: string;
}

const SessionDetailContext = createContext<SessionDetailContextValue | null>(null);

/**
 * What an entry reads: none of the activity's loading state, so a page arriving or the loading
 * flags changing leave the entries in view as they are.
 */
interface EntryContextValue {
  detail: UseSessionDetailResult;
  messages: Messages;
  onSelectEvent: SessionDetailRootProps['onSelectEvent'];
  currentEventId: string | null;
  expanded: ReadonlyMap<string, unknown>;
  expand: (id: string) => void;
  collapse: (id: string) => void;
}

const EntryContext = createContext<EntryContextValue | null>(null);

/** The Root's state, for a part of the host's own. Throws outside `SessionDetail.Root`. */
export function useSessionDetailContext(
  part = 'useSessionDetailContext',
): SessionDetailContextValue {
  const value = useContext(SessionDetailContext);
  if (!value) throw new Error(`SessionDetail.${part} must be used within SessionDetail.Root`);
  return value;
}

function element<T extends ElementType>(asChild: boolean | undefined, tag: T): T {
  return (asChild ? Slot : tag) as T;
}

type AsChild = { asChild?: boolean };
type DivProps = ComponentPropsWithoutRef<'div'> & AsChild;

const NO_FILTERS: ActivityFilters = {};

export interface RootProps
  extends SessionDetailRootProps,
    Omit<ComponentPropsWithoutRef<'section'>, keyof SessionDetailRootProps | 'children'> {
  /** The imperative handle (`seekTo`). */
  handleRef?: Ref<SessionDetailHandle>;
}

/**
 * Holds one session's detail: loads it through the provider's client (`sessionId`) or takes it
 * directly (`session`, `activity`), and renders its children once the session is there (a
 * loading or error state before).
 */
export const Root = forwardRef<HTMLElement, RootProps>(function SessionDetailRoot(
  {
    sessionId,
    session: givenSession,
    activity: givenActivity,
    live = true,
    around = null,
    filters: filtersProp,
    defaultFilters,
    onFiltersChange,
    group = 'shape',
    viewer: givenViewer,
    onRevoke,
    onDecide,
    onDownload,
    onRerun,
    getShareUrl,
    onSelectEvent,
    currentEventId = null,
    messages: messagesOverride,
    asChild,
    handleRef,
    children,
    ...props
  },
  ref,
) {
  refuseEvents({ ...props, activity: givenActivity }, 'SessionDetail');
  const context = useAuditlaneContext();
  const client = context?.client ?? null;
  const direct = givenSession !== undefined;
  if (!direct && !client) {
    throw new Error(
      'SessionDetail needs an API client (<AuditlaneProvider client={...}>) or the session and its activity passed directly',
    );
  }
  const messages = useMessages(sessionDetailDefaults, messagesOverride);
  const [filters, setFilters] = useControllable(
    filtersProp,
    defaultFilters ?? NO_FILTERS,
    onFiltersChange,
  );
  const remote = useRemoteSessionDetail(
    direct ? null : client,
    direct ? null : (sessionId ?? null),
    {
      live,
      filters,
      group,
      around,
    },
  );
  const detail = useSessionDetail({
    ...(direct
      ? { session: givenSession ?? null, activity: givenActivity, viewer: remote.detail.viewer }
      : remote.detail),
    ...(givenViewer ? { viewer: givenViewer } : {}),
    ...(onRevoke ? { onRevoke } : {}),
    ...(onDecide ? { onDecide } : {}),
    ...(onDownload ? { onDownload } : {}),
  });
  // The entries given directly are filtered and sought by their own code (`buildActivity`'s,
  // in the bundles of the hosts that call it); the Root holds where they were sought.
  const [seek, setSeek] = useState<LocalActivitySeek>(() => ({
    seq: null,
    generation: 0,
    initial: around,
  }));
  const remoteActivity = remote.activity;
  const activity = useMemo(
    () =>
      !direct
        ? remoteActivity
        : givenActivity
          ? givenActivity.view(filters, seek, setSeek)
          : { ...remoteActivity, status: 'success' as const, total: 0 },
    [direct, remoteActivity, givenActivity, filters, seek],
  );
  const seekTo = activity.seekTo;
  useImperativeHandle(handleRef, () => ({ seekTo }), [seekTo]);
  const position = useRef<number | null>(null);
  const titleId = useId();
  const value = useMemo<SessionDetailContextValue>(
    () => ({
      detail,
      activity,
      messages,
      filters,
      setFilters,
      onRerun,
      getShareUrl,
      onSelectEvent,
      currentEventId,
      position,
      titleId,
    }),
    [
      detail,
      activity,
      messages,
      filters,
      setFilters,
      onRerun,
      getShareUrl,
      onSelectEvent,
      currentEventId,
      titleId,
    ],
  );
  const { expanded, expand, collapse } = activity;
  const entryValue = useMemo<EntryContextValue>(
    () => ({ detail, messages, onSelectEvent, currentEventId, expanded, expand, collapse }),
    [detail, messages, onSelectEvent, currentEventId, expanded, expand, collapse],
  );
  const m = messages.sessionDetail;
  const { session, status, error } = detail;
  const Comp = element(asChild, 'section');
  if (status === 'error' && !session) {
    return (
      <Comp {...props} ref={ref} data-state="error">
        <p role="alert">{m.loadError(error?.message ?? messages.common.unknownError)}</p>
        <button type="button" className="al-button" onClick={detail.reload}>
          {messages.common.retry}
        </button>
      </Comp>
    );
  }
  if (!session) {
    return (
      <Comp {...props} ref={ref} data-state="loading" aria-busy="true">
        <p role="status">{m.loading}</p>
      </Comp>
    );
  }
  return (
    <SessionDetailContext.Provider value={value}>
      <EntryContext.Provider value={entryValue}>
        <Comp
          {...props}
          ref={ref}
          data-state={status === 'loading' ? 'loading' : 'ready'}
          data-status={session.status}
          aria-labelledby={titleId}
        >
          {children}
        </Comp>
      </EntryContext.Provider>
    </SessionDetailContext.Provider>
  );
});

function useSessionPart(part: string): SessionDetailContextValue & { session: Session } {
  const value = useSessionDetailContext(part);
  return { ...value, session: value.detail.session as Session };
}

/** The heading's row: children default to the title, the status badge and the live badge. */
export const Header = forwardRef<HTMLElement, ComponentPropsWithoutRef<'header'> & AsChild>(
  function SessionDetailHeader({ asChild, children, ...props }, ref) {
    useSessionPart('Header');
    const Comp = element(asChild, 'header');
    return (
      <Comp {...props} ref={ref}>
        {children ?? (
          <>
            <Title />
            <Status />
            <LiveBadge />
          </>
        )}
      </Comp>
    );
  },
);

/** "alice@example.com on billing-db": the section's name. */
export const Title = forwardRef<HTMLHeadingElement, ComponentPropsWithoutRef<'h2'> & AsChild>(
  function SessionDetailTitle({ asChild, children, ...props }, ref) {
    const { session, messages, titleId } = useSessionPart('Title');
    const Comp = element(asChild, 'h2');
    return (
      <Comp {...props} ref={ref} id={titleId}>
        {children ??
          messages.sessionDetail.title(formatActor(session.actor), session.resource.name)}
      </Comp>
    );
  },
);

/** The session's status (`data-status`). */
export const Status = forwardRef<HTMLSpanElement, ComponentPropsWithoutRef<'span'> & AsChild>(
  function SessionDetailStatus({ asChild, children, ...props }, ref) {
    const { session, messages } = useSessionPart('Status');
    const Comp = element(asChild, 'span');
    return (
      <Comp {...props} ref={ref} data-status={session.status}>
        {children ?? messages.common.status[session.status] ?? statusLabel(session.status)}
      </Comp>
    );
  },
);

/** "live" while new entries are followed; nothing otherwise. */
export const LiveBadge = forwardRef<HTMLSpanElement, ComponentPropsWithoutRef<'span'> & AsChild>(
  function SessionDetailLiveBadge({ asChild, children, ...props }, ref) {
    const { activity, messages } = useSessionPart('LiveBadge');
    if (!activity.live) return null;
    const Comp = element(asChild, 'span');
    return (
      <Comp role="status" {...props} ref={ref}>
        {children ?? messages.common.live}
      </Comp>
    );
  },
);

/** The summary and the meta list (who, where, when). */
export const Meta = forwardRef<HTMLDivElement, DivProps>(function SessionDetailMeta(
  { asChild, ...props },
  ref,
) {
  const { session, messages } = useSessionPart('Meta');
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
  const Comp = element(asChild, 'div');
  return (
    <Comp {...props} ref={ref}>
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
    </Comp>
  );
});

/** The actions' toolbar: copy id, download logs, share, re-run, revoke. */
export const Actions = forwardRef<HTMLDivElement, DivProps>(function SessionDetailActions(
  { asChild, children, ...props },
  ref,
) {
  const { session, messages, detail, getShareUrl, onRerun } = useSessionPart('Actions');
  const m = messages.sessionDetail;
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async (what: string, text: string) => {
    setCopied((await copyText(text)) ? what : `${what}-failed`);
    setTimeout(() => setCopied(null), 1500);
  };
  const shareUrl = () =>
    getShareUrl?.(session) ?? (typeof window === 'undefined' ? '' : window.location.href);
  const Comp = element(asChild, 'div');
  return (
    <Comp role="toolbar" aria-label={m.actions} {...props} ref={ref}>
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
      {onRerun ? (
        <button type="button" className="al-button" onClick={() => onRerun(session)}>
          {m.rerun}
        </button>
      ) : null}
      {detail.canRevoke ? <RevokeButton detail={detail} messages={messages} /> : null}
      {children}
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
    </Comp>
  );
});

/** The activity's region: children default to its title, the toolbar and the list. */
export const Activity = forwardRef<HTMLElement, ComponentPropsWithoutRef<'section'> & AsChild>(
  function SessionDetailActivity({ asChild, children, ...props }, ref) {
    const { messages } = useSessionPart('Activity');
    const m = messages.sessionDetail;
    const Comp = element(asChild, 'section');
    return (
      <Comp aria-label={m.activity} {...props} ref={ref}>
        {children ?? (
          <>
            <h3>{m.activity}</h3>
            <ActivityToolbar />
            <ActivityList />
          </>
        )}
      </Comp>
    );
  },
);

const MARK_CHIPS = ['blocked', 'pending', 'rejected', 'masked', 'failed'] as const;
const TYPE_CHIPS = [
  'command',
  'query',
  'tool_call',
  'llm_call',
  'file',
  'outbound',
  'policy',
] as const;
const NEXT_MARKS = ['blocked', 'pending', 'masked'] as const;

function toggle<T>(list: readonly T[] | undefined, value: T): T[] {
  const set = new Set(list ?? []);
  if (set.has(value)) set.delete(value);
  else set.add(value);
  return [...set];
}

export interface ActivityToolbarProps extends DivProps {
  /** Class of each chip (a toggle button, `aria-pressed`). */
  chipClassName?: string;
  /** Class of the text filter's input. */
  inputClassName?: string;
  /** Class of the "next …" buttons. */
  buttonClassName?: string;
}

/** Filter chips (what matters, types), the text filter and "next blocked / pending / masked". */
export const ActivityToolbar = forwardRef<HTMLDivElement, ActivityToolbarProps>(
  function SessionDetailActivityToolbar(
    { asChild, chipClassName, inputClassName, buttonClassName, children, ...props },
    ref,
  ) {
    const { messages, filters, setFilters, activity } = useSessionPart('ActivityToolbar');
    const m = messages.sessionDetail;
    const latest = useRef(filters);
    latest.current = filters;
    // The text filter asks the server once typing pauses; a host clearing the filters clears it.
    const { draft: text, setDraft: setText } = useDebouncedText(
      filters.q ?? '',
      (q) => setFilters({ ...latest.current, q: q || undefined }),
      300,
    );
    const Comp = element(asChild, 'div');
    return (
      <Comp role="toolbar" aria-label={m.activityFilters} {...props} ref={ref}>
        {MARK_CHIPS.map((mark) => (
          <button
            key={mark}
            type="button"
            className={chipClassName}
            data-mark={mark}
            aria-pressed={filters.verdict?.includes(mark) ?? false}
            onClick={() => setFilters({ ...filters, verdict: toggle(filters.verdict, mark) })}
          >
            {m.markFilter[mark]}
          </button>
        ))}
        {/* biome-ignore lint/a11y/useSemanticElements: a group of toggle buttons, not a form. */}
        <span role="group" aria-label={m.typeFilters}>
          {TYPE_CHIPS.map((type) => (
            <button
              key={type}
              type="button"
              className={chipClassName}
              data-type={type}
              aria-pressed={filters.type?.includes(type) ?? false}
              onClick={() => setFilters({ ...filters, type: toggle(filters.type, type) })}
            >
              {m.kind[type]}
            </button>
          ))}
        </span>
        <input
          type="search"
          className={inputClassName}
          aria-label={m.searchActivity}
          placeholder={m.searchActivity}
          value={text}
          maxLength={200}
          onChange={(e) => setText(e.target.value)}
        />
        {NEXT_MARKS.map((mark) => (
          <NextMark key={mark} mark={mark} className={buttonClassName} />
        ))}
        {activity.total !== null ? (
          <span className="al-activity__total">
            {m.activityTotal(activity.total, activity.totalCapped)}
          </span>
        ) : null}
        {children}
      </Comp>
    );
  },
);

export interface NextMarkProps extends ComponentPropsWithoutRef<'button'> {
  mark: 'blocked' | 'pending' | 'masked';
}

/** "Next blocked": seeks to the first entry with the mark after the one the list is at. */
export const NextMark = forwardRef<HTMLButtonElement, NextMarkProps>(function SessionDetailNextMark(
  { mark, onClick, children, ...props },
  ref,
) {
  const { messages, activity, position } = useSessionPart('NextMark');
  const [none, setNone] = useState(false);
  const [busy, setBusy] = useState(false);
  const m = messages.sessionDetail;
  return (
    <>
      <button
        type="button"
        data-mark={mark}
        aria-busy={busy || undefined}
        {...props}
        ref={ref}
        onClick={composeHandlers(onClick, () => {
          setBusy(true);
          activity
            .seekNext(mark, position.current ?? -1)
            .then((seq) => setNone(seq === null))
            .catch(() => setNone(false))
            .finally(() => setBusy(false));
        })}
      >
        {children ?? m.nextMark[mark]}
      </button>
      {none ? (
        <span role="status" className="al-activity__none">
          {m.noNextMark(mark)}
        </span>
      ) : null}
    </>
  );
});

type Row =
  | { kind: 'item'; key: string; item: ActivityItem }
  | { kind: 'member'; key: string; item: ActivityItem; parent: ActivityItem }
  | { kind: 'more'; key: string; parent: ActivityItem };

/** An entry's row (not a member's) whose entries take in `seq`. */
function holds(row: Row, seq: number | null): boolean {
  return row.kind === 'item' && seq !== null && row.item.seq <= seq && seq <= row.item.lastSeq;
}

export interface ActivityListProps extends ComponentPropsWithoutRef<'div'> {
  /** Class of the `<ol>` inside the scrolling box. */
  listClassName?: string;
  /** Class of each entry (`SessionDetail.Entry`). */
  entryClassName?: string;
  /** Estimated height of an entry before it is measured, in px. Default 72. */
  estimateSize?: number;
  /** Entries rendered beyond the visible ones on each side. Default 6. */
  overscan?: number;
}

/**
 * The activity as a virtualised list: only the entries in view are in the DOM, each measured,
 * pages loaded as it scrolls either way; it scrolls to the entry sought after a seek, and stays
 * at the end of a live session while the reader is there. Keyboard: arrows, Page Up/Down, Home
 * and End move between entries. The box scrolls (give it a height, `.al-activity__scroll`).
 */
export const ActivityList = forwardRef<HTMLDivElement, ActivityListProps>(
  function SessionDetailActivityList(
    { listClassName, entryClassName, estimateSize = 72, overscan = 6, style, ...props },
    ref,
  ) {
    const { activity, messages, position, detail } = useSessionPart('ActivityList');
    const m = messages.sessionDetail;
    const scrollRef = useRef<HTMLDivElement | null>(null);
    // Focuses an entry of the box once it is rendered.
    const focusLater = (selector: string, options?: FocusOptions) =>
      focusLaterIn(() => scrollRef.current, selector, options);
    const rows = useMemo(() => {
      const out: Row[] = [];
      for (const item of activity.items) {
        out.push({ kind: 'item', key: item.id, item });
        const group = activity.expanded.get(item.id);
        if (!group) continue;
        for (const member of group.items)
          out.push({ kind: 'member', key: `${item.id}/${member.id}`, item: member, parent: item });
        if (group.more) out.push({ kind: 'more', key: `${item.id}/more`, parent: item });
      }
      return out;
    }, [activity.items, activity.expanded]);
    // The active entry (the one Tab lands on, arrows move from) by its key: pages loaded before
    // it and live entries after it leave it where it is.
    const [activeKey, setActiveKey] = useState<string | null>(null);
    const indexOfKey = useMemo(() => new Map(rows.map((r, i) => [r.key, i])), [rows]);
    const activeIndex = activeKey === null ? -1 : (indexOfKey.get(activeKey) ?? -1);
    // The active entry stays rendered while it scrolls out of view: focus is not lost with it.
    const rangeExtractor = useCallback(
      (range: Range) => {
        const indexes = defaultRangeExtractor(range);
        if (activeIndex < 0 || activeIndex >= range.count || indexes.includes(activeIndex))
          return indexes;
        return activeIndex < (indexes[0] ?? 0)
          ? [activeIndex, ...indexes]
          : [...indexes, activeIndex];
      },
      [activeIndex],
    );
    const rowsRef = useRef(rows);
    rowsRef.current = rows;
    // The list scrolled: where it is, from what the virtualizer read (no layout read of ours).
    const onChange = useCallback(
      (instance: Virtualizer<HTMLDivElement, Element>, scrolling: boolean) => {
        if (!scrolling) return;
        const offset = instance.scrollOffset ?? 0;
        const height = instance.scrollRect?.height ?? 0;
        atEnd.current = offset + height >= instance.getTotalSize() - 8;
        const first = instance.getVirtualItems().find((v) => v.end > offset);
        if (!first) return;
        top.current = { key: String(first.key), delta: offset - first.start };
        const row = rowsRef.current[first.index];
        if (row && !focusInside.current)
          position.current = row.kind === 'more' ? row.parent.lastSeq : row.item.lastSeq - 1;
      },
      [position],
    );
    const atEnd = useRef(true);
    const top = useRef<{ key: string; delta: number } | null>(null);
    const focusInside = useRef(false);
    const virtualizer = useVirtualizer({
      count: rows.length,
      onChange,
      getScrollElement: () => scrollRef.current,
      estimateSize: useCallback(() => estimateSize, [estimateSize]),
      overscan,
      getItemKey: useCallback((i: number) => rows[i]?.key ?? i, [rows]),
      rangeExtractor,
      // Sizes come from the ResizeObserver (after layout, before paint), never by reading an
      // entry's height as it mounts (a forced layout per commit while scrolling).
      measureElement: measureFromObserver,
      // Before the list is measured (and on the server) the first entries are rendered as if the
      // box were this tall: the page's HTML shows them, and hydration renders the same ones.
      initialRect: { width: 0, height: 600 },
    });

    // Keep the entry at the top where it was when pages come or go before it.
    const firstKey = rows[0]?.key;
    const prevFirst = useRef(firstKey);
    useLayoutEffect(() => {
      if (prevFirst.current === firstKey) return;
      prevFirst.current = firstKey;
      const kept = top.current;
      if (!kept) return;
      const index = indexOfKey.get(kept.key);
      if (index === undefined) return;
      const start = virtualizer.measurementsCache[index]?.start ?? index * estimateSize;
      virtualizer.scrollToOffset(start + kept.delta);
    });

    // Scroll to the entry sought.
    const sought = useRef(0);
    useLayoutEffect(() => {
      if (activity.seekGeneration === sought.current || activity.anchorSeq === null) return;
      const index = rows.findIndex((r) => holds(r, activity.anchorSeq));
      if (index < 0) return;
      sought.current = activity.seekGeneration;
      const row = rows[index] as Row;
      setActiveKey(row.key);
      position.current = row.kind === 'item' ? row.item.lastSeq : null;
      virtualizer.scrollToIndex(index, { align: 'start' });
    });

    // Follow a live session's end while the reader is at it.
    const lastKey = rows.at(-1)?.key;
    // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the last entry changes.
    useLayoutEffect(() => {
      if (activity.live && atEnd.current && rows.length > 0 && !activity.hasAfter)
        virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    }, [lastKey]);

    // The focused entry's row left the window (its page dropped, the filters changed): focus
    // moves to the first entry in view instead of the page's body.
    useLayoutEffect(() => {
      if (activeKey === null || activeIndex >= 0) return;
      setActiveKey(null);
      if (!focusInside.current) return;
      const active = document.activeElement;
      if (active && active !== document.body && active.isConnected) return;
      focusLater(`[data-index="${virtualizer.range?.startIndex ?? 0}"]`, { preventScroll: true });
    });

    const items = virtualizer.getVirtualItems();
    // Every entry is in the window: the list's size is known.
    const known = !activity.hasBefore && !activity.hasAfter;
    // The entries in view and the overscan (not the active entry kept rendered elsewhere).
    const range = virtualizer.range;
    const firstIndex = Math.max(0, (range?.startIndex ?? 0) - overscan);
    const lastIndex = Math.min(rows.length - 1, (range?.endIndex ?? 0) + overscan);
    const { hasBefore, hasAfter, loadingBefore, loadingAfter, loadBefore, loadAfter } = activity;
    // Load the next page either way as the list nears its end.
    useEffect(() => {
      if (rows.length === 0) return;
      if (firstIndex <= 3 && hasBefore && !loadingBefore) loadBefore();
      if (lastIndex >= rows.length - 4 && hasAfter && !loadingAfter) loadAfter();
    }, [
      firstIndex,
      lastIndex,
      rows.length,
      hasBefore,
      hasAfter,
      loadingBefore,
      loadingAfter,
      loadBefore,
      loadAfter,
    ]);

    const onFocusRow = useCallback(
      (index: number) => {
        const row = rowsRef.current[index];
        if (!row) return;
        setActiveKey(row.key);
        position.current = row.kind === 'more' ? row.parent.lastSeq : row.item.lastSeq;
      },
      [position],
    );

    const focusRow = (index: number) => {
      const clamped = Math.max(0, Math.min(rows.length - 1, index));
      const row = rows[clamped];
      if (!row) return;
      onFocusRow(clamped);
      virtualizer.scrollToIndex(clamped, { align: 'auto' });
      focusLater(`[data-al-key="${CSS.escape(row.key)}"]`);
    };
    const onKeyDown = (event: KeyboardEvent<HTMLOListElement>) => {
      if (!(event.target as HTMLElement).matches('[data-al-entry]')) return;
      const from =
        activeIndex >= 0 ? activeIndex : Number((event.target as HTMLElement).dataset.index ?? 0);
      const page = Math.max(1, (range ? range.endIndex - range.startIndex : items.length) - 1);
      const to = keyMove(event.key, from, page, rows.length);
      if (to === undefined) return;
      event.preventDefault();
      focusRow(to);
    };

    if (rows.length === 0 && activity.status === 'error') {
      return (
        <div {...props} ref={ref} data-state="error">
          <p className="al-activity__error" role="alert">
            {m.activityError}
          </p>
          <button type="button" className="al-button" onClick={() => activity.retry()}>
            {m.retryActivity}
          </button>
        </div>
      );
    }
    if (rows.length === 0) {
      return (
        <div {...props} ref={ref}>
          <p className="al-activity__empty" role="status">
            {activity.status === 'loading' || detail.status === 'loading'
              ? m.loadingActivity
              : m.noActivity}
          </p>
        </div>
      );
    }
    return (
      <div
        {...props}
        ref={composeRefs(ref, scrollRef)}
        // A virtual list needs a bounded box: its height from `--al-activity-height`.
        style={{
          overflowY: 'auto',
          overflowAnchor: 'none',
          maxHeight: 'var(--al-activity-height, 70vh)',
          ...style,
        }}
        data-live={activity.live ? '' : undefined}
      >
        {activity.loadingBefore ? (
          <p role="status" className="al-activity__loading">
            {m.loadingEarlier}
          </p>
        ) : null}
        <ol
          className={listClassName}
          aria-label={m.activity}
          aria-busy={activity.loadingBefore || activity.loadingAfter || undefined}
          style={{ position: 'relative', height: virtualizer.getTotalSize(), margin: 0 }}
          onKeyDown={onKeyDown}
          onFocus={() => {
            focusInside.current = true;
          }}
          onBlur={(event) => {
            // An entry removed while focused blurs too: focus then moves to one in view.
            const to = event.relatedTarget as Node | null;
            if (!event.currentTarget.contains(to) && (event.target as Node).isConnected)
              focusInside.current = false;
          }}
        >
          {items.map((v) => {
            const row = rows[v.index] as Row;
            return (
              <VirtualRow
                key={row.key}
                row={row}
                index={v.index}
                start={v.start}
                measure={virtualizer.measureElement}
                focusable={
                  activeIndex >= 0 ? v.index === activeIndex : v.index === (items[0]?.index ?? 0)
                }
                anchor={holds(row, activity.anchorSeq)}
                setSize={known ? rows.length : -1}
                className={entryClassName}
                onFocusRow={onFocusRow}
                moreText={m.groupMore}
              />
            );
          })}
        </ol>
        {activity.loadingAfter ? (
          <p role="status" className="al-activity__loading">
            {m.loadingLater}
          </p>
        ) : null}
      </div>
    );
  },
);

interface VirtualRowProps {
  row: Row;
  index: number;
  start: number;
  measure: (node: Element | null) => void;
  focusable: boolean;
  anchor: boolean;
  setSize: number;
  className: string | undefined;
  onFocusRow: (index: number) => void;
  moreText: string;
}

/** One row of the virtual list: rendered again only when what it shows changes, not per scroll. */
/** An entry's size as the ResizeObserver saw it; before that, the size kept or the estimate. */
function measureFromObserver(
  element: Element,
  entry: ResizeObserverEntry | undefined,
  instance: Virtualizer<HTMLDivElement, Element>,
): number {
  const box = entry?.borderBoxSize?.[0];
  if (box) return Math.round(box.blockSize);
  const index = instance.indexFromElement(element);
  return instance.measurementsCache[index]?.size ?? instance.options.estimateSize(index);
}

const VirtualRow = memo(function VirtualRow({
  row,
  index,
  start,
  measure,
  focusable,
  anchor,
  setSize,
  className,
  onFocusRow,
  moreText,
}: VirtualRowProps) {
  const common = {
    ref: measure,
    'data-index': index,
    'data-al-key': row.key,
    'aria-setsize': setSize,
    'aria-posinset': setSize >= 0 ? index + 1 : undefined,
    tabIndex: focusable ? 0 : -1,
    onFocus: () => onFocusRow(index),
    style: {
      position: 'absolute' as const,
      top: 0,
      left: 0,
      width: '100%',
      transform: `translateY(${start}px)`,
    },
    className,
    'data-anchor': anchor ? '' : undefined,
  };
  if (row.kind === 'more') {
    return (
      <li {...common} data-al-entry="" data-part="more">
        {moreText}
      </li>
    );
  }
  return <Entry {...common} item={row.item} member={row.kind === 'member'} />;
});

export interface EntryProps extends ComponentPropsWithoutRef<'li'>, AsChild {
  item: ActivityItem;
  /** A member of an expanded run (shown under the run's entry). */
  member?: boolean;
}

/**
 * One entry of the activity: its kind, time, verdict and masking badges, its body (the command
 * and output, the query and result, the tool call's view, ...), the verdict history and the
 * review's buttons; a run of one shape shows "120 × shape" and expands to its members.
 */
export const Entry = forwardRef<HTMLLIElement, EntryProps>(function SessionDetailEntry(
  { item, member = false, asChild, children, ...props },
  ref,
) {
  const context = useContext(EntryContext);
  if (!context) throw new Error('SessionDetail.Entry must be used within SessionDetail.Root');
  const { detail, messages, onSelectEvent, currentEventId } = context;
  const event = item.event;
  const m = messages.sessionDetail;
  const current = currentEventId === item.id;
  const group = item.count > 1 && !member;
  const expanded = group && context.expanded.has(item.id);
  const Comp = element(asChild, 'li');
  return (
    <Comp
      data-al-entry=""
      data-kind={event.type}
      data-verdict={item.verdict ?? undefined}
      data-current={current ? '' : undefined}
      data-group={group ? '' : undefined}
      data-member={member ? '' : undefined}
      data-state={group ? (expanded ? 'open' : 'closed') : undefined}
      aria-current={current ? 'step' : undefined}
      {...props}
      ref={ref}
    >
      {children ?? (
        <>
          <div className="al-timeline__head">
            <span className="al-timeline__kind">{m.kind[event.type] ?? event.type}</span>
            <time className="al-timeline__time" dateTime={item.time}>
              {formatTime(item.time)}
            </time>
            {item.verdict && !group ? <VerdictBadge item={item} messages={messages} /> : null}
            {group
              ? MARK_CHIPS.filter((k) => item.marks[k] > 0).map((k) => (
                  <span key={k} className="al-badge" data-mark={k}>
                    {`${item.marks[k]} ${m.markFilter[k].toLowerCase()}`}
                  </span>
                ))
              : null}
            {item.masked.count > 0 && !group ? (
              <span
                className="al-badge al-badge--masked"
                title={
                  item.masked.fields.length
                    ? m.maskedFields(item.masked.fields.map(visibleText))
                    : undefined
                }
              >
                {m.masked(item.masked.count)}
              </span>
            ) : null}
            {onSelectEvent ? (
              <button type="button" className="al-link-button" onClick={() => onSelectEvent(item)}>
                {m.showInReplay}
              </button>
            ) : null}
          </div>
          {group ? (
            <div className="al-timeline__group">
              <pre className="al-code">
                {m.groupLabel(item.count, visibleText(item.shape ?? ''))}
              </pre>
              <button
                type="button"
                className="al-link-button"
                aria-expanded={expanded}
                onClick={() => (expanded ? context.collapse(item.id) : context.expand(item.id))}
              >
                {expanded ? m.collapseGroup : m.expandGroup}
              </button>
            </div>
          ) : (
            <>
              <EntryBody item={item} detail={detail} messages={messages} />
              <Verdicts verdicts={item.verdicts} messages={messages} />
            </>
          )}
          {item.pendingReviewId && detail.canReview && !group ? (
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
        </>
      )}
    </Comp>
  );
});
