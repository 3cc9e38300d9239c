export {
  type ActivityFilters,
  type ActivityGroupMembers,
  type ActivitySeekTarget,
  type ActivityWindow,
  type ActivityWindowOptions,
  type ActivityWindowSnapshot,
  createActivityWindow,
} from './activity-window';
export { type AsyncState, useAsync } from './use-async';
export { useSession } from './use-session';
export {
  type UseSessionActivityOptions,
  type UseSessionActivityResult,
  useSessionActivity,
} from './use-session-activity';
export {
  ACTIVITY_EVENT_TYPES,
  type UseSessionEventsOptions,
  type UseSessionEventsResult,
  useSessionEvents,
} from './use-session-events';
export {
  type LoadStatus,
  type UseSessionsOptions,
  type UseSessionsResult,
  useSessions,
} from './use-sessions';
export { can, useViewer } from './use-viewer';
