// What `auditlane spool drain` needs, loaded when it runs.
export { createClient } from '@auditlane/client';
export { HttpSink } from '@auditlane/recorder';
