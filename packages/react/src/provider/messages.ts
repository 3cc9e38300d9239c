import type {
  ActorType,
  FileEvent,
  LifecycleEvent,
  PeriodPreset,
  ResourceType,
  SessionCounters,
  SessionStatus,
  Verdict,
} from '@auditlane/client';
import { summarizeCounters } from '@auditlane/client/helpers';
import { formatCost, formatDuration } from '../internal/format';
import {
  type ToolCallMessages,
  toolCallMessages,
} from '../session-detail/tool-call/tool-call.messages';
import { deepFreeze } from './deep-freeze';

/** Strings shared by the components: enum values and units. */
export interface CommonMessages {
  /** A session's status, as a word ("pending review"). */
  status: Record<SessionStatus, string>;
  /** Who acted: a person, an agent, a service account. */
  actorType: Record<ActorType, string>;
  resourceType: Record<ResourceType, string>;
  /** A duration in milliseconds, compact ("850 ms", "1m 05s"). */
  duration: (ms: number | null | undefined) => string;
  /** A cost in US dollars ("$1.60", "—" for none). */
  cost: (usd: number) => string;
  /** A whole number ("12,345"). */
  number: (n: number) => string;
  /** A session that is still going (the duration column, the detail's header). */
  live: string;
  retry: string;
  /** When an error has no message. */
  unknownError: string;
}

export interface SessionTableMessages {
  /** The table's accessible name. */
  label: string;
  /** Column headers (and the Columns menu's items). */
  column: Record<
    | 'select'
    | 'actor'
    | 'resource'
    | 'environment'
    | 'id'
    | 'startedAt'
    | 'duration'
    | 'status'
    | 'cost'
    | 'significance',
    string
  >;
  /** "1,234 sessions"; `atLeast`: there are more ("1,000+ sessions"). */
  count: (count: number, atLeast: boolean) => string;
  rank: string;
  rankRecent: string;
  rankSignificance: string;
  columnsMenu: string;
  selectAll: string;
  selectRow: (sessionId: string) => string;
  copyId: (sessionId: string) => string;
  /** The copy button's name once the id is copied. */
  copiedId: string;
  copyFailed: string;
  /** The significance meter's name. */
  significance: (score: number) => string;
  loading: string;
  loadingMore: string;
  error: (message: string) => string;
  empty: string;
}

export interface FiltersMessages {
  label: string;
  search: string;
  searchPlaceholder: string;
  user: string;
  userPlaceholder: string;
  resource: string;
  resourcePlaceholder: string;
  type: string;
  environment: string;
  /** An environment of the list (given as the name the recorder reports). */
  environmentOption: (environment: string) => string;
  status: string;
  /** A list filter with nothing picked. */
  any: string;
  selectedCount: (count: number) => string;
  /** A list filter's button: "Status: 2 selected". */
  fieldSummary: (field: string, summary: string) => string;
  period: string;
  periodPreset: Record<PeriodPreset, string>;
  periodCustom: string;
  from: string;
  to: string;
  reset: string;
}

export interface SessionDetailMessages {
  loading: string;
  loadError: (message: string) => string;
  /** The heading: "alice@example.com on billing-db". */
  title: (actor: string, resource: string) => string;
  /** The summary of a session's counters ("5 commands · 1 blocked"). */
  summary: (counters: SessionCounters) => string;
  nothingRecorded: string;
  meta: {
    agent: string;
    user: string;
    onBehalfOf: string;
    resource: string;
    environment: string;
    started: string;
    ended: string;
    duration: string;
    status: string;
    endpoint: string;
    credential: string;
    model: string;
    reason: string;
    closeReason: string;
  };
  actions: string;
  copyId: string;
  copied: string;
  downloadLogs: string;
  shareLink: string;
  linkCopied: string;
  rerun: string;
  copyFailed: string;
  revoke: string;
  revokeTitle: string;
  revokeDescription: string;
  revokeReason: string;
  cancel: string;
  revokeConfirm: string;
  /** Why downloads are disabled. */
  downloadBlocked: Record<'unavailable' | 'checking' | 'disabled' | 'forbidden', string>;
  activity: string;
  loadingActivity: string;
  noActivity: string;
  /** The activity failed to load (a network or server error): never "no activity". */
  activityError: string;
  /** The revoke dialog's code failed to load (shown with Retry). */
  revokeLoadError: string;
  retryActivity: string;
  /** The activity's filter toolbar. */
  activityFilters: string;
  /** A filter chip by verdict mark ("what matters"). */
  markFilter: Record<'blocked' | 'pending' | 'rejected' | 'masked' | 'failed', string>;
  /** The group of type chips. */
  typeFilters: string;
  /** The text filter's label. */
  searchActivity: string;
  /** "Next blocked", "Next pending", "Next masked". */
  nextMark: Record<'blocked' | 'pending' | 'masked', string>;
  /** After a "next …" found nothing further. */
  noNextMark: (mark: 'blocked' | 'pending' | 'masked') => string;
  /** The label of a run of one shape: "120 × INSERT INTO customers VALUES (…)". */
  groupLabel: (count: number, shape: string) => string;
  expandGroup: string;
  collapseGroup: string;
  /** A run whose members are more than were loaded. */
  groupMore: string;
  loadingEarlier: string;
  loadingLater: string;
  /** How many entries match, when counted ("5,000 entries", "over 10,000 entries"). */
  activityTotal: (total: number, capped: boolean) => string;
  /** An entry's kind, by event type. */
  kind: Record<
    'command' | 'query' | 'tool_call' | 'llm_call' | 'file' | 'outbound' | 'lifecycle' | 'policy',
    string
  >;
  masked: (count: number) => string;
  maskedFields: (fields: readonly string[]) => string;
  showInReplay: string;
  review: string;
  approve: string;
  reject: string;
  /** A verdict as a step of the history under an entry. */
  verdictStep: Record<Verdict, string>;
  /** The entry's badge: "approved by @bob", "pending review". */
  verdictBadge: (verdict: Verdict, reviewer: string | null) => string;
  /** "by @bob", after a decided verdict. */
  decidedBy: (reviewer: string) => string;
  rule: (rule: string) => string;
  exitCode: (code: number) => string;
  llmCall: (call: {
    model: string;
    inputTokens: number;
    outputTokens: number;
    costUsd?: number | null;
  }) => string;
  fileOperation: Record<FileEvent['operation'], string>;
  lifecycle: (event: LifecycleEvent) => string;
  reviewerComment: (comment: string) => string;
  policyDecision: string;
  showAllOutput: string;
  showLess: string;
  outputTruncated: string;
  /** A result table's caption: "Showing 50 of 80 rows", "3 rows". */
  resultRows: (shown: number, total: number, partial: boolean) => string;
  rowCount: (count: number) => string;
  downloadResult: string;
}

/** The replay player's strings (`ReplayPlayer` and its parts). */
export interface ReplayMessages {
  /** The player's accessible name. */
  label: string;
  /**
   * A play time, seconds: "1:05", "1:02:03". Every time the player shows goes through it: the
   * messages below get its strings (`at`, `current`, `duration`), then the seconds.
   */
  clock: (seconds: number) => string;
  loading: string;
  /** The recording cannot be played at all (`message`: the reader's reason). */
  cannotPlay: (message: string) => string;
  /** The recording stops early at `at` (`clock(seconds)`; it plays up to there). */
  damaged: (at: string, message: string, seconds: number) => string;
  play: string;
  pause: string;
  previousMarker: string;
  nextMarker: string;
  /** The seek slider's name, and its value ("0:05 of 1:00"). */
  seek: string;
  seekValue: (
    current: string,
    duration: string,
    currentSeconds: number,
    durationSeconds: number,
  ) => string;
  /** The time shown beside the seek bar ("0:05 / 1:00"), from `clock`'s strings. */
  time: (
    current: string,
    duration: string,
    currentSeconds: number,
    durationSeconds: number,
  ) => string;
  /** The badge while a live session plays at its newest moment. */
  live: string;
  jumpToLive: string;
  skipInactivity: string;
  speed: string;
  /** A speed of the speed select ("1.5×"). */
  speedOption: (speed: number) => string;
  search: string;
  searchInput: string;
  searchPlaceholder: string;
  searchSubmit: string;
  searchResults: string;
  noMatch: string;
  /** A hit's seek button: where the text appeared (`at`: `clock(seconds)`, "1:05"). */
  hit: (at: string, seconds: number) => string;
}

/**
 * Every string the components show or announce, one key per string; strings with values are
 * functions. `defaultMessages` is English; pass a `MessagesOverride` to `AuditlaneProvider` or to
 * a component's `messages` prop to translate.
 */
export interface Messages {
  common: CommonMessages;
  sessionTable: SessionTableMessages;
  filters: FiltersMessages;
  sessionDetail: SessionDetailMessages;
  /** An agent's tool call in SessionDetail's activity (`ToolCallView`). */
  toolCall: ToolCallMessages;
  replay: ReplayMessages;
}

/** Some messages of some groups: merged over the English defaults, group by group. */
export type MessagesOverride = {
  [G in keyof Messages]?: {
    [K in keyof Messages[G]]?: Messages[G][K] extends (...args: never[]) => unknown
      ? Messages[G][K]
      : Messages[G][K] extends Record<string, string>
        ? Partial<Messages[G][K]>
        : Messages[G][K];
  };
};

// Small integers (scores, counts of a page) skip the locale machinery: they are formatted per row.
const integer = (n: number) =>
  Number.isInteger(n) && n > -1000 && n < 1000 ? String(n) : n.toLocaleString('en-US');
// English has one plural form besides "other": exactly 1. (A new Intl.PluralRules per call cost
// milliseconds a frame on a scrolling list.)
const plural = (n: number, one: string, other: string) => (n === 1 ? one : other);

/** m:ss, or h:mm:ss from an hour. */
const clock = (seconds: number) => {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
};

const searchRecording = 'Search the recording';

/**
 * The English messages (the default): frozen, every group and record in it, so no host can
 * change them for every other component on the page. Translate with `mergeMessages` or a
 * `messages` prop instead, which make new objects.
 */
export const defaultMessages: Messages = /* @__PURE__ */ deepFreeze<Messages>({
  common: {
    status: {
      pending_review: 'pending review',
      active: 'active',
      ended: 'ended',
      revoked: 'revoked',
      dropped: 'dropped',
      blocked: 'blocked',
      failed: 'failed',
    },
    actorType: { human: 'human', agent: 'agent', service: 'service' },
    resourceType: {
      database: 'database',
      ssh: 'ssh',
      application: 'application',
      kubernetes: 'kubernetes',
      llm: 'llm',
      http: 'http',
    },
    duration: formatDuration,
    cost: formatCost,
    number: integer,
    live: 'live',
    retry: 'Retry',
    unknownError: 'unknown error',
  },
  sessionTable: {
    label: 'Sessions',
    column: {
      select: 'Select',
      actor: 'User or agent',
      resource: 'Resource',
      environment: 'Environment',
      id: 'Session',
      startedAt: 'Started',
      duration: 'Duration',
      status: 'Status',
      cost: 'Cost',
      significance: 'Significance',
    },
    count: (count, atLeast) =>
      `${integer(count)}${atLeast ? '+' : ''} ${atLeast ? 'sessions' : plural(count, 'session', 'sessions')}`,
    rank: 'Rank sessions',
    rankRecent: 'Newest',
    rankSignificance: 'Most significant',
    columnsMenu: 'Columns',
    selectAll: 'Select all loaded sessions',
    selectRow: (id) => `Select session ${id}`,
    copyId: (id) => `Copy session id ${id}`,
    copiedId: 'Session id copied',
    copyFailed: 'The browser refused to copy',
    significance: (score) => `Significance ${Math.round(score)} of 100`,
    loading: 'Loading sessions…',
    loadingMore: 'Loading more…',
    error: (message) => `Could not load sessions: ${message}`,
    empty: 'No sessions match these filters.',
  },
  filters: {
    label: 'Session filters',
    search: 'Search',
    searchPlaceholder: 'Commands, queries, output…',
    user: 'User',
    userPlaceholder: 'id or email',
    resource: 'Resource',
    resourcePlaceholder: 'name',
    type: 'Type',
    environment: 'Environment',
    environmentOption: (environment) => environment,
    status: 'Status',
    any: 'Any',
    selectedCount: (count) => `${integer(count)} selected`,
    fieldSummary: (field, summary) => `${field}: ${summary}`,
    period: 'Period',
    periodPreset: { '1h': '1h', '24h': '24h', '7d': '7d', '30d': '30d', '90d': '90d' },
    periodCustom: 'Custom',
    from: 'From',
    to: 'To',
    reset: 'Reset',
  },
  sessionDetail: {
    loading: 'Loading session…',
    loadError: (message) => `Could not load the session: ${message}`,
    title: (actor, resource) => `${actor} on ${resource}`,
    summary: summarizeCounters,
    nothingRecorded: 'Nothing recorded yet',
    meta: {
      agent: 'Agent',
      user: 'User',
      onBehalfOf: 'On behalf of',
      resource: 'Resource',
      environment: 'Environment',
      started: 'Started',
      ended: 'Ended',
      duration: 'Duration',
      status: 'Status',
      endpoint: 'From',
      credential: 'Credential',
      model: 'Model',
      reason: 'Reason',
      closeReason: 'Closed',
    },
    actions: 'Session actions',
    copyId: 'Copy session id',
    copied: 'Copied',
    downloadLogs: 'Download logs',
    shareLink: 'Share link',
    linkCopied: 'Link copied',
    rerun: 'Re-run',
    copyFailed: 'The browser refused to copy.',
    revoke: 'Revoke',
    revokeTitle: 'Revoke this session?',
    revokeDescription: 'The recorder ends the session at once. This cannot be undone.',
    revokeReason: 'Reason (optional)',
    cancel: 'Cancel',
    revokeConfirm: 'Revoke session',
    downloadBlocked: {
      unavailable: 'Downloads are not available here.',
      checking: 'Checking permissions…',
      disabled: 'Downloads are disabled on this server.',
      forbidden: 'You do not have permission to download session data.',
    },
    activity: 'Activity',
    loadingActivity: 'Loading activity…',
    noActivity: 'No activity recorded.',
    activityError: 'The activity could not be loaded.',
    revokeLoadError: 'The revoke dialog could not be loaded.',
    retryActivity: 'Retry',
    activityFilters: 'Filter activity',
    markFilter: {
      blocked: 'Blocked',
      pending: 'Pending',
      rejected: 'Rejected',
      masked: 'Masked',
      failed: 'Failed',
    },
    typeFilters: 'Types',
    searchActivity: 'Search activity',
    nextMark: { blocked: 'Next blocked', pending: 'Next pending', masked: 'Next masked' },
    noNextMark: (mark) => `No ${mark} entry further down.`,
    groupLabel: (count, shape) => `${integer(count)} × ${shape}`,
    expandGroup: 'Show each',
    collapseGroup: 'Hide',
    groupMore: 'More entries in this run: narrow the filters to see them.',
    loadingEarlier: 'Loading earlier activity…',
    loadingLater: 'Loading later activity…',
    activityTotal: (total, capped) =>
      `${capped ? 'over ' : ''}${integer(total)} ${plural(total, 'entry', 'entries')}`,
    kind: {
      command: 'Command',
      query: 'Query',
      tool_call: 'Tool call',
      llm_call: 'LLM call',
      file: 'File',
      outbound: 'Request',
      lifecycle: 'Session',
      policy: 'Policy',
    },
    masked: (count) => `${integer(count)} ${plural(count, 'field', 'fields')} masked`,
    maskedFields: (fields) => `Masked: ${fields.join(', ')}`,
    showInReplay: 'Show in replay',
    review: 'Review',
    approve: 'Approve',
    reject: 'Reject',
    verdictStep: {
      passed: 'Passed',
      blocked: 'Blocked',
      pending: 'Held for review',
      approved: 'Approved',
      rejected: 'Rejected',
    },
    verdictBadge: (verdict, reviewer) =>
      (verdict === 'approved' || verdict === 'rejected') && reviewer
        ? `${verdict} by @${reviewer}`
        : verdict === 'pending'
          ? 'pending review'
          : verdict,
    decidedBy: (reviewer) => ` by @${reviewer}`,
    rule: (rule) => ` (rule ${rule})`,
    exitCode: (code) => `exit ${code}`,
    llmCall: ({ model, inputTokens, outputTokens, costUsd }) =>
      `${model}: ${integer(inputTokens)} in / ${integer(outputTokens)} out${
        costUsd ? ` · $${costUsd.toFixed(4)}` : ''
      }`,
    fileOperation: {
      read: 'read',
      write: 'write',
      create: 'create',
      delete: 'delete',
      rename: 'rename',
      chmod: 'chmod',
    },
    lifecycle: (event) =>
      (event.action === 'end'
        ? `Ended${event.exitCode !== undefined ? ` (exit ${event.exitCode})` : ''}`
        : event.action === 'revoke'
          ? `Revoked${event.by ? ` by ${event.by}` : ''}`
          : event.action === 'drop'
            ? 'Connection dropped'
            : event.action === 'reconnect'
              ? 'Reconnected'
              : 'Started') + (event.reason ? `: ${event.reason}` : ''),
    reviewerComment: (comment) => `Reviewer: ${comment}`,
    policyDecision: 'Policy decision',
    showAllOutput: 'Show all output',
    showLess: 'Show less',
    outputTruncated: 'Output truncated by the recorder.',
    resultRows: (shown, total, partial) =>
      partial
        ? `Showing ${integer(shown)} of ${integer(total)} rows`
        : `${integer(total)} ${plural(total, 'row', 'rows')}`,
    rowCount: (count) => `${integer(count)} ${plural(count, 'row', 'rows')}`,
    downloadResult: 'Download full result',
  },
  toolCall: toolCallMessages,
  replay: {
    label: 'Terminal recording',
    clock,
    loading: 'Loading recording…',
    cannotPlay: (message) => `The recording cannot be played: ${message}`,
    damaged: (at, message) => `The recording stops at ${at}: ${message}`,
    play: 'Play',
    pause: 'Pause',
    previousMarker: 'Previous marker',
    nextMarker: 'Next marker',
    seek: 'Seek',
    seekValue: (current, duration) => `${current} of ${duration}`,
    time: (current, duration) => `${current} / ${duration}`,
    live: 'live',
    jumpToLive: 'Jump to live',
    skipInactivity: 'Skip idle',
    speed: 'Speed',
    speedOption: (speed) => `${speed}×`,
    search: searchRecording,
    searchInput: searchRecording,
    searchPlaceholder: searchRecording,
    searchSubmit: 'Find',
    searchResults: 'Search results',
    noMatch: 'No match',
    hit: (at) => at,
  },
});

/** A copy of plain records (nested ones too); functions, strings and arrays' items kept. */
function copyRecord(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = isRecord(v) ? copyRecord(v) : v;
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Each override's groups merged into `out`, which is changed (the caller's own copy). */
function mergeInto(
  out: Record<string, Record<string, unknown>>,
  overrides: readonly (MessagesOverride | null | undefined)[],
): void {
  for (const override of overrides) {
    if (!override) continue;
    for (const [group, values] of Object.entries(override)) {
      if (!values) continue;
      const merged: Record<string, unknown> = { ...out[group] };
      for (const [key, value] of Object.entries(values)) {
        if (value === undefined) continue;
        const old = merged[key];
        merged[key] = isRecord(value) && isRecord(old) ? { ...old, ...copyRecord(value) } : value;
      }
      out[group] = merged;
    }
  }
}

/**
 * Messages over messages: each override's groups (and the records in them, such as `status`)
 * merged over the base. The result is a new object, every group and record in it copied: the
 * host's own to change (the frozen defaults stay as they are), even with nothing to merge.
 */
export function mergeMessages(
  base: Messages,
  ...overrides: (MessagesOverride | null | undefined)[]
): Messages {
  const out = copyRecord(base as unknown as Record<string, unknown>) as Record<
    string,
    Record<string, unknown>
  >;
  mergeInto(out, overrides);
  return out as unknown as Messages;
}

/**
 * The messages a component shows (the provider's and `useMessages`): the base itself when there
 * is nothing to merge (components share it, nothing is copied per component), else only the
 * groups an override names are new.
 */
export function resolveMessages(
  base: Messages,
  ...overrides: (MessagesOverride | null | undefined)[]
): Messages {
  if (!overrides.some(Boolean)) return base;
  const out = { ...base } as unknown as Record<string, Record<string, unknown>>;
  mergeInto(out, overrides);
  return out as unknown as Messages;
}
