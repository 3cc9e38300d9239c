// What `auditlane hook` needs, loaded when it runs (not for `--help` or another verb). Narrow
// re-exports, so the bundled command loads these modules and not the whole of each package.
export { createClient } from '@auditlane/client';
export { FileSink, HttpSink, handleClaudeCodeHook, Policy } from '@auditlane/recorder';
