'use client';
export type { ActivityFilters, ActivitySeekTarget } from '../data/activity-window';
export { activityItemFromEntry, buildActivity } from './activity';
export { localActivity } from './local-activity';
export { SessionDetail } from './session-detail';
export {
  type ActivityListProps,
  type ActivityToolbarProps,
  type EntryProps as SessionDetailEntryProps,
  type NextMarkProps,
  type RootProps as SessionDetailRootElementProps,
  type SessionDetailContextValue,
  useSessionDetailContext,
} from './session-detail.parts';
export type {
  ActivityEvent,
  ActivityGroupState,
  ActivityItem,
  DownloadAvailability,
  DownloadBlockedReason,
  LocalActivity,
  LocalActivitySeek,
  SessionActivityState,
  SessionDetailHandle,
  SessionDetailProps,
  SessionDetailRootProps,
  UseSessionDetailOptions,
} from './session-detail.types';
export {
  type ActionStatus,
  type UseSessionDetailResult,
  useSessionDetail,
} from './use-session-detail';
