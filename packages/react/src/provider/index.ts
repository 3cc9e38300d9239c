export {
  type AuditlaneContextValue,
  AuditlaneProvider,
  type AuditlaneProviderProps,
  useAuditlaneClient,
  useAuditlaneContext,
  useMessages,
} from './auditlane-provider';
export { defaultMessages } from './default-messages';
export { filtersDefaults } from './filters.messages';
export {
  type CommonMessages,
  type FiltersMessageGroups,
  type FiltersMessages,
  type MessageGroups,
  type Messages,
  type MessagesOverride,
  mergeMessages,
  type ReplayMessageGroups,
  type ReplayMessages,
  type SessionDetailMessageGroups,
  type SessionDetailMessages,
  type SessionTableMessageGroups,
  type SessionTableMessages,
  type ToolCallMessageGroups,
} from './messages';
export { sessionDetailDefaults } from './session-detail.messages';
export { sessionTableDefaults } from './session-table.messages';
