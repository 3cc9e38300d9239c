import type {
  CommandEvent,
  FileEvent,
  LifecycleEvent,
  LlmCallEvent,
  OutboundEvent,
  PolicyEvent,
  QueryEvent,
  Review,
  Session,
  StoredEvent,
  ToolCallEvent,
  Verdict,
  Viewer,
} from '@auditlane/client';
import type { ReactNode } from 'react';
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

export interface UseSessionDetailOptions {
  /** Load the session and its events through the provider's client. */
  sessionId?: string | null;
  /** Or give them directly (a host with its own backend). */
  session?: Session | null;
  events?: readonly StoredEvent[];
  /** With data given directly: the session's reviews (what waited, who decided). */
  reviews?: readonly Review[];
  /** Follow an active session's new events live. Default true. */
  live?: boolean;
  /**
   * For data given directly: what the viewer may do. Without a client and without this, actions
   * that need permissions are hidden and downloads are disabled with an explanation.
   */
  viewer?: Viewer | null;
  /** With data given directly: called to revoke (otherwise the client revokes). */
  onRevoke?: (session: Session, reason?: string) => unknown;
  /** With data given directly: called to approve or reject (otherwise the client decides). */
  onDecide?: (reviewId: string, decision: 'approved' | 'rejected') => unknown;
  /** With data given directly: downloads (otherwise the client downloads). */
  onDownload?: (
    what: { kind: 'logs' } | { kind: 'result'; resultRef: string; eventId: string },
  ) => unknown;
}

export interface SessionDetailProps extends UseSessionDetailOptions {
  /** Where the replay goes (the ReplayPlayer, from `@auditlane/react/replay`). */
  replay?: ReactNode;
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
}
