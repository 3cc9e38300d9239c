/**
 * The things the server indexes across the sessions of an org, and how one is named on the wire.
 * Zod-free (exported from `@auditlane/client/helpers` too).
 */

/**
 * Entity kinds: who acted (`actor`), with what (`credential`, by its masked fingerprint), from
 * where (`endpoint`: host or IP), on what (`resource`, `file`, `table`), and what the session
 * reached out to (`host`: an outbound host; `model`: a language model).
 */
export const ENTITY_KINDS = [
  'actor',
  'credential',
  'endpoint',
  'resource',
  'file',
  'table',
  'host',
  'model',
] as const;

export type EntityKind = (typeof ENTITY_KINDS)[number];

/** An entity of an org: its kind and its key (normalised: see the server's entity index). */
export interface EntityRef {
  kind: EntityKind;
  key: string;
}

/** `kind:key`, the id an entity has in reasons' evidence and the list's `entity` filter. */
export function entityId(ref: EntityRef): string {
  return `${ref.kind}:${ref.key}`;
}

/** The entity an id names, or null when its kind is unknown or its key empty. */
export function parseEntityId(id: string): EntityRef | null {
  const at = id.indexOf(':');
  if (at <= 0 || at === id.length - 1) return null;
  const kind = id.slice(0, at);
  if (!(ENTITY_KINDS as readonly string[]).includes(kind)) return null;
  return { kind: kind as EntityKind, key: id.slice(at + 1) };
}
