'use client';
// The root entry: provider and data hooks. Components have their own entries
// (`@auditlane/react/session-table`, `/filters`, `/session-detail`); none of them loads xterm.
export * from './data';
export * from './provider';
