'use client';
export { buildActivity } from './activity';
export { SessionDetail } from './session-detail';
export type {
  ActivityEvent,
  ActivityItem,
  DownloadAvailability,
  DownloadBlockedReason,
  SessionDetailProps,
  UseSessionDetailOptions,
} from './session-detail.types';
export {
  type ActionStatus,
  type UseSessionDetailResult,
  useSessionDetail,
} from './use-session-detail';
