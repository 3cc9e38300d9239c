export { AuditlaneClient, type ClientOptions, createClient, type IngestOptions } from './client';
export { DownloadResponse } from './download';
export * from './error';
export { CursorPage, PagePromise } from './pagination';
export { LiveStream, type LiveStreamOptions } from './streaming';
export type { Downloads } from './resources/downloads';
export type { Reviews } from './resources/reviews';
export type { SessionEvents, SessionPageExtra, Sessions } from './resources/sessions';
export type { RequestOptions } from '../internal/transport';
