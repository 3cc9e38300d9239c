/**
 * The data model: zod schemas of events, sessions, reviews, alerts and the API (`eventSchema`,
 * `storedEventSchema`, `sessionSchema`, ...), their types and `OPERATIONS`.
 */
export * from './activity';
export * from './actor';
export * from './alert';
export * from './api';
export * from './common';
export * from './credential';
export * from './entity';
export * from './event';
export * from './helpers';
export * from './ids';
export * from './operations';
export * from './overview';
export * from './query';
export * from './resource';
export * from './review';
export * from './session';
export * from './telemetry';
