// What `auditlane rec` needs, loaded when it runs.
export { createClient, recordingRule } from '@auditlane/client';
export {
  ActionBlockedError,
  createRecorder,
  DiscardSink,
  FileSink,
  HttpSink,
  Policy,
  RecordingRequiredError,
  recordTerminal,
} from '@auditlane/recorder';
