import { posix } from 'node:path';
import type { EntityKind, Event, LifecycleEvent } from '@auditlane/client';

/** One mention of an entity by one event of a session. */
export interface EntityMention {
  kind: EntityKind;
  /** Normalised key (see the functions below). */
  key: string;
  /** What to show for it (the name as first seen). */
  label: string;
  /** What the session did with it (`read`, `write`, `delete`, `call`...), when the event says. */
  op?: string;
  /** Attributes kept on the entity (a credential's kind, a resource's environment). */
  attrs?: Record<string, string>;
}

/** Most characters of a key; longer ones are cut (the columns are indexed). */
export const MAX_ENTITY_KEY = 1024;

function cut(key: string): string {
  return key.length > MAX_ENTITY_KEY ? key.slice(0, MAX_ENTITY_KEY) : key;
}

/**
 * An absolute POSIX path: `.` and `..` resolved, duplicate and trailing slashes removed. A
 * relative path is resolved against `cwd` when it is known (and absolute), else kept relative
 * (normalised).
 */
export function fileKey(path: string, cwd?: string): string {
  let p = path.trim();
  if (p === '') return '';
  if (!p.startsWith('/') && cwd?.startsWith('/')) p = posix.join(cwd, p);
  p = posix.normalize(p);
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return cut(p);
}

/** `schema.table` lowercased (an unqualified name as written, lowercased); quotes removed. */
export function tableKey(name: string): string {
  return cut(
    name
      .trim()
      .split('.')
      .map((part) => part.replace(/^"(.*)"$/s, '$1').replace(/^`(.*)`$/s, '$1'))
      .join('.')
      .toLowerCase(),
  );
}

/**
 * A hostname, lowercased, without port, userinfo, scheme, path or the trailing dot; an IPv6
 * literal without its brackets.
 */
export function hostKey(host: string): string {
  let h = host.trim().toLowerCase();
  const scheme = h.indexOf('://');
  if (scheme >= 0) h = h.slice(scheme + 3);
  h = h.replace(/[/?#].*$/s, '');
  const at = h.lastIndexOf('@');
  if (at >= 0) h = h.slice(at + 1);
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    return cut(close > 0 ? h.slice(1, close) : h.slice(1));
  }
  // One colon: host:port. Several: a bare IPv6 address, kept whole.
  const colon = h.indexOf(':');
  if (colon >= 0 && colon === h.lastIndexOf(':')) h = h.slice(0, colon);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return cut(h);
}

/** An endpoint (where the session came from), lowercased. */
export function endpointKey(endpoint: string): string {
  return cut(endpoint.trim().toLowerCase());
}

/** Whether an endpoint is a bare IP address (v4 or v6, optionally with a port). */
export function isBareIp(endpoint: string): boolean {
  const e = endpoint.trim();
  if (/^\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?$/.test(e)) return true;
  const v6 = e.startsWith('[') ? e.slice(1, e.indexOf(']')) : e;
  return v6.includes(':') && /^[0-9a-f:.]+$/i.test(v6) && (v6.match(/:/g)?.length ?? 0) >= 2;
}

/** The entities a session's start names: who, with what credential, from where, on what. */
export function startEntities(event: LifecycleEvent): EntityMention[] {
  const start = event.session;
  if (!start) return [];
  const out: EntityMention[] = [];
  const actor = start.actor;
  out.push({
    kind: 'actor',
    key: cut(actor.id),
    label: actor.name ?? actor.email ?? actor.id,
    attrs: { type: actor.type, ...(actor.email ? { email: actor.email } : {}) },
  });
  if (start.credential && start.credential.kind !== 'none') {
    out.push({
      kind: 'credential',
      key: start.credential.fingerprint,
      label: start.credential.name ?? start.credential.fingerprint,
      attrs: { kind: start.credential.kind },
    });
  }
  if (start.endpoint) {
    const key = endpointKey(start.endpoint);
    if (key) out.push({ kind: 'endpoint', key, label: start.endpoint });
  }
  out.push({
    kind: 'resource',
    key: cut(start.resource.name),
    label: start.resource.name,
    attrs: { type: start.resource.type, environment: start.resource.environment },
  });
  if (start.model) out.push({ kind: 'model', key: cut(start.model), label: start.model });
  return out;
}

/**
 * The entities one event names. Commands and tool calls name none themselves: the recorder
 * emits `file` and `outbound` events for what it parsed out of them.
 */
export function eventEntities(event: Event, cwd?: string): EntityMention[] {
  switch (event.type) {
    case 'lifecycle':
      return event.action === 'start' ? startEntities(event) : [];
    case 'file': {
      const key = fileKey(event.path, cwd);
      return key ? [{ kind: 'file', key, label: event.path, op: event.operation }] : [];
    }
    case 'outbound': {
      const key = hostKey(event.host);
      return key ? [{ kind: 'host', key, label: event.host, op: 'call' }] : [];
    }
    case 'query': {
      if (!event.tables) return [];
      const out: EntityMention[] = [];
      for (const name of event.tables.read) {
        const key = tableKey(name);
        if (key) out.push({ kind: 'table', key, label: name, op: 'read' });
      }
      for (const name of event.tables.written) {
        const key = tableKey(name);
        if (key) out.push({ kind: 'table', key, label: name, op: 'write' });
      }
      return out;
    }
    case 'llm_call':
      return [{ kind: 'model', key: cut(event.model), label: event.model, op: 'call' }];
    default:
      return [];
  }
}

/** What a session's events say about one entity, folded (order does not matter). */
export interface EdgeFacts {
  kind: EntityKind;
  key: string;
  label: string;
  attrs: Record<string, string>;
  firstAt: number;
  lastAt: number;
  firstSeq: number;
  firstEvent: string;
  events: number;
  ops: Set<string>;
}

/** `kind\u0000key`: an entity within one session's facts. */
export function edgeKey(kind: string, key: string): string {
  return `${kind}\u0000${key}`;
}

/**
 * Folds mentions into per-entity facts: the lowest seq names the first event, times are the
 * earliest and latest, ops are unioned. Gives the same facts whatever order events come in.
 */
export function foldMention(
  edges: Map<string, EdgeFacts>,
  mention: EntityMention,
  at: { seq: number; eventId: string; time: number },
): void {
  const k = edgeKey(mention.kind, mention.key);
  const edge = edges.get(k);
  if (!edge) {
    edges.set(k, {
      kind: mention.kind,
      key: mention.key,
      label: mention.label,
      attrs: { ...mention.attrs },
      firstAt: at.time,
      lastAt: at.time,
      firstSeq: at.seq,
      firstEvent: at.eventId,
      events: 1,
      ops: new Set(mention.op ? [mention.op] : []),
    });
    return;
  }
  mergeEdge(edge, {
    label: mention.label,
    attrs: mention.attrs ?? {},
    firstAt: at.time,
    lastAt: at.time,
    firstSeq: at.seq,
    firstEvent: at.eventId,
    events: 1,
    ops: mention.op ? [mention.op] : [],
  });
}

/** Merges more facts about the same edge into `edge` (commutative). */
export function mergeEdge(
  edge: EdgeFacts,
  more: {
    label: string;
    attrs: Record<string, string>;
    firstAt: number;
    lastAt: number;
    firstSeq: number;
    firstEvent: string;
    events: number;
    ops: Iterable<string>;
  },
): void {
  // The lowest seq, then the smallest event id (telemetry records share one seq): whatever the
  // order they are folded in.
  if (
    more.firstSeq < edge.firstSeq ||
    (more.firstSeq === edge.firstSeq && more.firstEvent < edge.firstEvent)
  ) {
    edge.firstSeq = more.firstSeq;
    edge.firstEvent = more.firstEvent;
    edge.label = more.label;
    edge.attrs = { ...edge.attrs, ...more.attrs };
  } else {
    edge.attrs = { ...more.attrs, ...edge.attrs };
  }
  edge.firstAt = Math.min(edge.firstAt, more.firstAt);
  edge.lastAt = Math.max(edge.lastAt, more.lastAt);
  edge.events += more.events;
  for (const op of more.ops) edge.ops.add(op);
}

/** The ops of an edge as stored: sorted, comma-separated. */
export function opsText(ops: Iterable<string>): string {
  return [...new Set(ops)].sort().join(',');
}
