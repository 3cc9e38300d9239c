// What `alerts` needs, loaded when it runs: the client only (no server, no recorder).
export { createClient, fromSearchParams, sessionFilterSchema } from '@auditlane/client';
