export {
  type AuditlaneContextValue,
  AuditlaneProvider,
  type AuditlaneProviderProps,
  useAuditlaneClient,
  useAuditlaneContext,
  useMessages,
} from './auditlane-provider';
export {
  type CommonMessages,
  defaultMessages,
  type FiltersMessages,
  type Messages,
  type MessagesOverride,
  mergeMessages,
  type ReplayMessages,
  type SessionDetailMessages,
  type SessionTableMessages,
} from './messages';
