/**
 * What each operation of the API needs, declared once: the server routes and guards each
 * operation from this, and the OpenAPI document (`openapi.json`) is generated from it, so the
 * permission a client reads there is the one the server enforces. Types only at run time.
 */
import type { AccessAction, Permission } from './api';

export interface OperationDeclaration {
  method: 'get' | 'post' | 'patch' | 'delete';
  /**
   * The path as `openapi.json` writes it (`{name}` for a path parameter). `/otlp/v1/...` is the
   * OpenTelemetry receiver (OTLP/HTTP), outside the `/v1` API.
   */
  path: `/v1/${string}` | `/otlp/v1/${string}`;
  /** The token needs any one of these; empty: any valid token. */
  permissions: readonly Permission[];
  /** A file for people to keep: refused when the server has downloads disabled. */
  download?: true;
  /** Written to the access log as this action, refused attempts too. */
  accessLog?: AccessAction;
}

export const OPERATIONS = {
  ingest: { method: 'post', path: '/v1/ingest', permissions: ['ingest'] },
  listSessions: { method: 'get', path: '/v1/sessions', permissions: ['view_history'] },
  exportSessions: {
    method: 'get',
    path: '/v1/sessions/export',
    permissions: ['download_recording'],
    download: true,
    accessLog: 'export',
  },
  getSession: { method: 'get', path: '/v1/sessions/{sessionId}', permissions: ['view_history'] },
  listSessionTelemetry: {
    method: 'get',
    path: '/v1/sessions/{sessionId}/telemetry',
    permissions: ['view_history'],
  },
  exportOtlpLogs: { method: 'post', path: '/otlp/v1/logs', permissions: ['ingest'] },
  getSessionStatus: {
    method: 'get',
    path: '/v1/sessions/{sessionId}/status',
    permissions: ['ingest', 'view_history'],
  },
  getViewer: { method: 'get', path: '/v1/me', permissions: [] },
  listAccessLog: { method: 'get', path: '/v1/access-log', permissions: ['view_history'] },
  verifySession: {
    method: 'get',
    path: '/v1/sessions/{sessionId}/verify',
    permissions: ['view_history'],
  },
  listSessionEvents: {
    method: 'get',
    path: '/v1/sessions/{sessionId}/events',
    permissions: ['view_history'],
  },
  listSessionActivity: {
    method: 'get',
    path: '/v1/sessions/{sessionId}/activity',
    permissions: ['view_history'],
  },
  streamSessionEvents: {
    method: 'get',
    path: '/v1/sessions/{sessionId}/events/stream',
    permissions: ['view_history'],
  },
  getSessionRecording: {
    method: 'get',
    path: '/v1/sessions/{sessionId}/recording',
    permissions: ['view_recording'],
    accessLog: 'view_recording',
  },
  downloadSessionRecording: {
    method: 'get',
    path: '/v1/sessions/{sessionId}/recording/download',
    permissions: ['download_recording'],
    download: true,
    accessLog: 'download_recording',
  },
  downloadSessionLogs: {
    method: 'get',
    path: '/v1/sessions/{sessionId}/logs',
    permissions: ['download_recording'],
    download: true,
    accessLog: 'download_logs',
  },
  downloadQueryResult: {
    method: 'get',
    path: '/v1/sessions/{sessionId}/results/{resultRef}',
    permissions: ['download_recording'],
    download: true,
    accessLog: 'download_result',
  },
  revokeSession: {
    method: 'post',
    path: '/v1/sessions/{sessionId}/revoke',
    permissions: ['revoke'],
  },
  listReviews: { method: 'get', path: '/v1/reviews', permissions: ['review', 'view_history'] },
  createReview: { method: 'post', path: '/v1/reviews', permissions: ['ingest'] },
  getReview: {
    method: 'get',
    path: '/v1/reviews/{reviewId}',
    permissions: ['review', 'view_history', 'ingest'],
  },
  approveReview: {
    method: 'post',
    path: '/v1/reviews/{reviewId}/approve',
    permissions: ['review'],
  },
  rejectReview: { method: 'post', path: '/v1/reviews/{reviewId}/reject', permissions: ['review'] },
  getOverview: { method: 'get', path: '/v1/overview', permissions: ['view_history'] },
  getSessionRelationships: {
    method: 'get',
    path: '/v1/sessions/{sessionId}/relationships',
    permissions: ['view_history'],
  },
  getEntity: { method: 'get', path: '/v1/entities/{kind}/{key}', permissions: ['view_history'] },
  listAlerts: { method: 'get', path: '/v1/alerts', permissions: ['manage_alerts'] },
  createAlert: { method: 'post', path: '/v1/alerts', permissions: ['manage_alerts'] },
  getAlert: { method: 'get', path: '/v1/alerts/{alertId}', permissions: ['manage_alerts'] },
  updateAlert: { method: 'patch', path: '/v1/alerts/{alertId}', permissions: ['manage_alerts'] },
  deleteAlert: { method: 'delete', path: '/v1/alerts/{alertId}', permissions: ['manage_alerts'] },
  listAlertDeliveries: {
    method: 'get',
    path: '/v1/alerts/{alertId}/deliveries',
    permissions: ['manage_alerts'],
  },
  testAlert: { method: 'post', path: '/v1/alerts/{alertId}/test', permissions: ['manage_alerts'] },
} as const satisfies Record<string, OperationDeclaration>;

export type OperationId = keyof typeof OPERATIONS;

/** "Needs `ingest` or `view_history`.": how the OpenAPI document words it. */
export function describePermissions(permissions: readonly Permission[]): string {
  if (permissions.length === 0) return 'Any valid token.';
  const names = permissions.map((p) => `\`${p}\``);
  const list =
    names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  return `Needs ${list}.`;
}
