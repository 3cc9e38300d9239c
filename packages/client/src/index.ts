/**
 * Everything: the typed HTTP client (`createClient`, `AuditlaneClient`, its errors, `CursorPage`,
 * `LiveStream`), the data model and the asciicast reader and writer.
 */
export * from './asciicast';
export * from './core';
export * from './model';
