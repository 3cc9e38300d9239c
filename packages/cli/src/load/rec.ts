// What `auditlane rec` needs, loaded when it runs.
export { createClient } from '@auditlane/client';
export { createRecorder, FileSink, HttpSink, Policy, recordTerminal } from '@auditlane/recorder';
