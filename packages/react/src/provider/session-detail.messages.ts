import type { FileEvent, LifecycleEvent, SessionCounters, Verdict } from '@auditlane/client';
import { summarizeCounters } from '@auditlane/client/helpers';
import type { ToolCallMessages } from '../session-detail/tool-call/tool-call.messages';
import { commonMessages } from './common.messages';
import { deepFreeze } from './deep-freeze';
import { integer, plural } from './english';
import type { Messages } from './messages';

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

/** The `sessionDetail` group in English (frozen, every record in it). */
export const sessionDetailMessages: SessionDetailMessages =
  /* @__PURE__ */ deepFreeze<SessionDetailMessages>({
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
  });

/**
 * SessionDetail's messages (`useSessionDetailContext().messages`): `common` and `sessionDetail`,
 * and the tool call group's translations only (the tool call view, loaded on demand, brings its
 * English and merges these over it).
 */
export type SessionDetailMessageGroups = Pick<Messages, 'common' | 'sessionDetail'> & {
  toolCall: Partial<ToolCallMessages>;
};

/** SessionDetail's English: the groups it shows (the tool call view's come with its code). */
export const sessionDetailDefaults: SessionDetailMessageGroups = /* @__PURE__ */ deepFreeze({
  common: commonMessages,
  sessionDetail: sessionDetailMessages,
  toolCall: {},
});
