// Types and the merging only: no strings. Each group's English is a module of its own
// (`common.messages.ts`, ...); `defaultMessages`, every group, is `default-messages.ts`.
import type { ReplayMessages } from '../replay/replay.messages';
import type { ToolCallMessages } from '../session-detail/tool-call/tool-call.messages';
import type { CommonMessages } from './common.messages';
import type { FiltersMessages } from './filters.messages';
import type { SessionDetailMessages } from './session-detail.messages';
import type { SessionTableMessages } from './session-table.messages';

export type { ReplayMessageGroups } from '../replay/replay.messages';
export type { ToolCallMessageGroups } from '../session-detail/tool-call/tool-call.messages';
export type { FiltersMessageGroups } from './filters.messages';
export type { SessionDetailMessageGroups } from './session-detail.messages';
export type { SessionTableMessageGroups } from './session-table.messages';
export type {
  CommonMessages,
  FiltersMessages,
  ReplayMessages,
  SessionDetailMessages,
  SessionTableMessages,
  ToolCallMessages,
};

/**
 * Every string the components show or announce, one key per string; strings with values are
 * functions. `defaultMessages` is English; pass a `MessagesOverride` to `AuditlaneProvider` or to
 * a component's `messages` prop to translate.
 */
export interface Messages {
  common: CommonMessages;
  sessionTable: SessionTableMessages;
  filters: FiltersMessages;
  sessionDetail: SessionDetailMessages;
  /** An agent's tool call in SessionDetail's activity (`ToolCallView`). */
  toolCall: ToolCallMessages;
  replay: ReplayMessages;
}

/** Some messages of some groups: merged over the English defaults, group by group. */
export type MessagesOverride = {
  [G in keyof Messages]?: {
    [K in keyof Messages[G]]?: Messages[G][K] extends (...args: never[]) => unknown
      ? Messages[G][K]
      : Messages[G][K] extends Record<string, string>
        ? Partial<Messages[G][K]>
        : Messages[G][K];
  };
};

/**
 * The groups a component shows, each complete or (a group whose code loads on demand and merges
 * its own English under it) partial: what `useMessages` takes and returns. Each component's
 * English groups come from modules of their own (`sessionTableDefaults` in
 * `session-table.messages.ts`, ...), so its bundle carries only the strings it shows.
 */
export type MessageGroups = { [G in keyof Messages]?: Partial<Messages[G]> };

/** A copy of plain records (nested ones too); functions, strings and arrays' items kept. */
function copyRecord(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = isRecord(v) ? copyRecord(v) : v;
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One override's group merged into `out[group]` (a new object: `out` is the caller's own). */
function mergeGroup(
  out: Record<string, Record<string, unknown>>,
  group: string,
  values: Record<string, unknown>,
): void {
  const merged: Record<string, unknown> = { ...out[group] };
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const old = merged[key];
    merged[key] = isRecord(value) && isRecord(old) ? { ...old, ...copyRecord(value) } : value;
  }
  out[group] = merged;
}

/**
 * Messages over messages: each override's groups (and the records in them, such as `status`)
 * merged over the base. The result is a new object, every group and record in it copied: the
 * host's own to change (the frozen defaults stay as they are), even with nothing to merge.
 */
export function mergeMessages(
  base: Messages,
  ...overrides: (MessagesOverride | null | undefined)[]
): Messages {
  const out = copyRecord(base as unknown as Record<string, unknown>) as Record<
    string,
    Record<string, unknown>
  >;
  for (const override of overrides) {
    for (const [group, values] of Object.entries(override ?? {})) {
      if (values) mergeGroup(out, group, values);
    }
  }
  return out as unknown as Messages;
}

/**
 * The messages a component shows (`useMessages`): the base's groups with the overrides' merged
 * over them, in order; groups the base does not have are left out. The base itself when no
 * override names one of its groups (components share it, nothing is copied per component), else
 * only the groups an override names are new.
 */
export function resolveMessages<G extends MessageGroups>(
  base: G,
  ...overrides: (MessagesOverride | null | undefined)[]
): G {
  let out: Record<string, Record<string, unknown>> | null = null;
  for (const override of overrides) {
    for (const [group, values] of Object.entries(override ?? {})) {
      if (!values || !Object.hasOwn(base, group)) continue;
      out ??= { ...base } as Record<string, Record<string, unknown>>;
      mergeGroup(out, group, values);
    }
  }
  return (out ?? base) as G;
}
