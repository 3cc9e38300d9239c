// What `alerts` needs, loaded when it runs: the client only (no server, no recorder).
export { alertQuerySchema, createClient, fromSearchParams } from '@auditlane/client';
