// What `auditlane rec` needs, loaded when it runs.
export { createClient, recordingRule } from '@auditlane/client';
export {
  createRecorder,
  DiscardSink,
  FileSink,
  HttpSink,
  Policy,
  recordTerminal,
} from '@auditlane/recorder';
