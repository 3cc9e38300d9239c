export {
  type AuditlaneContextValue,
  AuditlaneProvider,
  type AuditlaneProviderProps,
  useAuditlaneClient,
  useAuditlaneContext,
} from './auditlane-provider';
