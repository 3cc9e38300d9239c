import { commonMessages } from './common.messages';
import { deepFreeze } from './deep-freeze';
import { integer, plural } from './english';
import type { Messages } from './messages';

export interface SessionTableMessages {
  /** The table's accessible name. */
  label: string;
  /** Column headers (and the Columns menu's items). */
  column: Record<SessionColumnId, string>;
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

/** The `sessionTable` group in English (frozen, every record in it). */
export const sessionTableMessages: SessionTableMessages =
  /* @__PURE__ */ deepFreeze<SessionTableMessages>({
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
  });

/** SessionTable's messages (its `useMessages` result, `SessionTable.Root`'s context). */
export type SessionTableMessageGroups = Pick<Messages, 'common' | 'sessionTable'>;

/** SessionTable's English: the groups it shows. */
export const sessionTableDefaults: SessionTableMessageGroups = /* @__PURE__ */ deepFreeze({
  common: commonMessages,
  sessionTable: sessionTableMessages,
});
/** The columns of the sessions table, by id. */
export type SessionColumnId =
  | 'select'
  | 'actor'
  | 'resource'
  | 'environment'
  | 'id'
  | 'startedAt'
  | 'duration'
  | 'status'
  | 'cost'
  | 'significance';
