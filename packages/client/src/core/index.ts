export type { RequestOptions } from '../internal/transport';
export { AuditlaneClient, type ClientOptions, createClient, type IngestOptions } from './client';
export { DownloadResponse } from './download';
export * from './error';
export { CursorPage, PagePromise } from './pagination';
export type { Downloads } from './resources/downloads';
export type { Reviews } from './resources/reviews';
export type { SessionEvents, SessionPageExtra, Sessions } from './resources/sessions';
export { LiveStream, type LiveStreamOptions } from './streaming';
