import type {
  ActivityGrouping,
  ActivityMarksCount,
  CommandEvent,
  FileEvent,
  LifecycleEvent,
  LlmCallEvent,
  OutboundEvent,
  PolicyEvent,
  QueryEvent,
  Review,
  Session,
  ToolCallEvent,
  Verdict,
  Viewer,
} from '@auditlane/client';
import type { ReactNode } from 'react';
import type { ActivityFilters, ActivitySeekTarget } from '../data/activity-window';
import type { LoadStatus } from '../data/use-sessions';
import type { MessagesOverride } from '../provider/messages';

/** An event the activity log shows as an entry of its own. */
export type ActivityEvent =
  | CommandEvent
  | QueryEvent
  | ToolCallEvent
  | LlmCallEvent
  | FileEvent
  | OutboundEvent
  | LifecycleEvent
  | PolicyEvent;

/** One entry of the activity log: an action with its verdicts and maskings. */
export interface ActivityItem {
  /** The event id of the action. */
  id: string;
  seq: number;
  time: string;
  event: ActivityEvent;
  /** A tool call's result recorded apart (the hook's PostToolUse), joined by the server. */
  result?: ToolCallEvent | null;
  /** Every verdict on it, in order (pending → approved). */
  verdicts: PolicyEvent[];
  /** The last verdict, or null when the policy said nothing. */
  verdict: Verdict | null;
  /** How many values were masked in it, and which fields or detectors. */
  masked: { count: number; fields: string[] };
  /** The review it waits for, while its verdict is pending. */
  pendingReviewId: string | null;
  /** The review of it, when there was one and it is known (what waited, who decided). */
  review: Review | null;
  /** Entries in the item: more than 1 for a run of one statement shape (expandable). */
  count: number;
  /** Seq of the last entry of the run (`seq` for a single entry). */
  lastSeq: number;
  /** Time of the last entry of the run. */
  lastTime: string;
  /** The statement shape of the run ("INSERT INTO customers VALUES (…)"), or null. */
  shape: string | null;
  /** The first entry failed (exit code, error). */
  failed: boolean;
  /** How many entries of the run have each mark of "what matters". */
  marks: ActivityMarksCount;
}

/** The members of an expanded run. */
export interface ActivityGroupState {
  status: LoadStatus;
  items: readonly ActivityItem[];
  /** More members than were loaded. */
  more: boolean;
  error: Error | null;
}

/**
 * The activity a SessionDetail shows, whatever its source: a window over the server's pages
 * (`useSessionActivity`) or every entry given directly. The list reads it; the toolbar drives it.
 */
export interface SessionActivityState {
  items: readonly ActivityItem[];
  status: LoadStatus;
  error: Error | null;
  hasBefore: boolean;
  hasAfter: boolean;
  loadingBefore: boolean;
  loadingAfter: boolean;
  /** After a seek: seq of the item holding the entry sought; the list scrolls to it. */
  anchorSeq: number | null;
  /** Counts seeks (the list scrolls to `anchorSeq` each time it changes). */
  seekGeneration: number;
  /** Entries matching the filters, when counted. */
  total: number | null;
  /** More entries match than `total` (the count stopped at its cap): "over N entries". */
  totalCapped: boolean;
  /** New entries are followed. */
  live: boolean;
  expanded: ReadonlyMap<string, ActivityGroupState>;
  loadBefore: () => void;
  loadAfter: () => void;
  seekTo: (target: ActivitySeekTarget) => void;
  /** Seeks to the first entry with the mark after `afterSeq`; resolves to its seq or null. */
  seekNext: (mark: 'blocked' | 'pending' | 'masked', afterSeq: number) => Promise<number | null>;
  expand: (id: string) => void;
  collapse: (id: string) => void;
  /** Asks again for what may have changed (a pending verdict, new entries). */
  refresh: () => void;
  /** Opens the activity again after it failed to load. */
  retry: () => void;
}

/** Where the entries given directly were sought: `SessionDetail.Root`'s state, read by `view`. */
export interface LocalActivitySeek {
  /** The item sought last (null: none). */
  seq: number | null;
  /** Counts seeks (0: none yet, the list is at `initial`). */
  generation: number;
  /** Where the activity opened (the Root's `around` at its mount). */
  initial: ActivitySeekTarget | null;
}

/**
 * A session's activity given directly (`buildActivity(events, reviews)`): its entries, and how
 * SessionDetail shows them (filtered and sought in the browser: they are all there). Build it
 * once per change of the events, not per render.
 */
export interface LocalActivity {
  /** Every entry, in seq order. */
  readonly items: readonly ActivityItem[];
  /** The activity under the filters, sought as `seek` says (`SessionDetail.Root` calls it). */
  view(
    filters: ActivityFilters,
    seek: LocalActivitySeek,
    setSeek: (update: (seek: LocalActivitySeek) => LocalActivitySeek) => void,
  ): SessionActivityState;
}

/** SessionDetail's imperative handle (continuous state is a handle, not a prop). */
export interface SessionDetailHandle {
  /** Shows the activity at a moment or an entry (the replay's seek bar calls it). */
  seekTo: (target: ActivitySeekTarget) => void;
}

/**
 * Why downloads are disabled: nothing says who is looking (data given directly, no `viewer`),
 * the permissions are still being asked, the server disables downloads, or the viewer lacks the
 * `download_recording` permission.
 */
export type DownloadBlockedReason = 'unavailable' | 'checking' | 'disabled' | 'forbidden';

export interface DownloadAvailability {
  allowed: boolean;
  /** Why not, for the disabled control's explanation (worded by `messages.sessionDetail.downloadBlocked`). */
  reason: DownloadBlockedReason | null;
}

/** What `useSessionDetail` takes: data only (it never fetches) and the host's actions. */
export interface UseSessionDetailOptions {
  session: Session | null;
  /**
   * The session's activity: its events joined by `buildActivity(events, reviews)` (the reviews say
   * what waited and who decided). The result's `activity` is its entries (`items`).
   */
  activity?: LocalActivity;
  /**
   * What the viewer may do. Without it, actions that need permissions are hidden and downloads
   * are disabled with an explanation (`unavailable`; `checking` while `viewerStatus` is loading).
   */
  viewer?: Viewer | null;
  viewerLoading?: boolean;
  /** The session's load state when the host loads it (default: success once there is a session). */
  status?: LoadStatus;
  error?: Error | null;
  /** Called to revoke; without it, revoking is not offered. */
  onRevoke?: (session: Session, reason?: string) => unknown;
  /** Called to approve or reject; without it, reviewing is not offered. */
  onDecide?: (reviewId: string, decision: 'approved' | 'rejected') => unknown;
  /** Downloads; without it, downloads are disabled (`unavailable`). */
  onDownload?: (
    what: { kind: 'logs' } | { kind: 'result'; resultRef: string; eventId: string },
  ) => unknown;
  /** Loads the data again (the error state's retry). */
  onReload?: () => void;
}

export interface SessionDetailRootProps {
  /** Load the session and its activity through the provider's client. */
  sessionId?: string | null;
  /** Or give them directly (a host with its own backend). */
  session?: Session | null;
  /**
   * With the session given directly: its activity, `buildActivity(events, reviews)` (filtered and
   * sought in the browser). Keep it stable (build it again when the events change).
   */
  activity?: LocalActivity;
  /** Follow an active session's new entries live. Default true. */
  live?: boolean;
  /** Open the activity at a moment or an entry (later seeks: the handle's `seekTo`). */
  around?: ActivitySeekTarget | null;
  /** The activity's filters, controlled; `defaultFilters` uncontrolled. */
  filters?: ActivityFilters;
  defaultFilters?: ActivityFilters;
  onFiltersChange?: (filters: ActivityFilters) => void;
  /** Runs of one statement shape as one expandable entry (`shape`, the default) or not. */
  group?: ActivityGrouping;
  /** What the viewer may do, for data given directly (otherwise asked from the server). */
  viewer?: Viewer | null;
  /** With data given directly: called to revoke (otherwise the client revokes). */
  onRevoke?: UseSessionDetailOptions['onRevoke'];
  /** With data given directly: called to approve or reject (otherwise the client decides). */
  onDecide?: UseSessionDetailOptions['onDecide'];
  /** With data given directly: downloads (otherwise the client downloads). */
  onDownload?: UseSessionDetailOptions['onDownload'];
  /** Shown as a "Re-run" action: the host decides what re-running means. */
  onRerun?: (session: Session) => void;
  /** The link "Share" copies. Default: the page's URL. */
  getShareUrl?: (session: Session) => string;
  /** Called when an activity entry is chosen (for seeking the replay to it). */
  onSelectEvent?: (item: ActivityItem) => void;
  /** The entry to highlight (the replay's current event). */
  currentEventId?: string | null;
  /** Translations, merged over the provider's messages. Keep the object stable. */
  messages?: MessagesOverride;
  className?: string;
  /** Render the host's own element (its only child) instead of the `<section>`. */
  asChild?: boolean;
  children?: ReactNode;
}

export interface SessionDetailProps extends Omit<SessionDetailRootProps, 'children' | 'asChild'> {
  /** Where the replay goes (the ReplayPlayer, from `@auditlane/react/replay`). */
  replay?: ReactNode;
}

export type { ActivityFilters, ActivitySeekTarget };
