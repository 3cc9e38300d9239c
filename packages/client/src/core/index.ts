export type { RequestOptions } from '../internal/transport';
export { AuditlaneClient, type ClientOptions, createClient, type IngestOptions } from './client';
export { DownloadResponse } from './download';
export * from './error';
export { CursorPage, PagePromise } from './pagination';
export type { Alerts } from './resources/alerts';
export type { Downloads } from './resources/downloads';
export type { Entities } from './resources/entities';
export type { Reviews } from './resources/reviews';
export type {
  ActivityPageExtra,
  SessionEvents,
  SessionPageExtra,
  Sessions,
} from './resources/sessions';
export { LiveStream, type LiveStreamOptions } from './streaming';
