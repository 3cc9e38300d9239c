import {
  type EntityKind,
  type Event,
  entityId,
  globMatch,
  isProduction,
  missingRecording,
  type Session,
  type Significance,
  type SignificanceReason,
} from '@auditlane/client';
import { z } from 'zod';
import { isBareIp } from './entities';

/**
 * The weights of the reasons, each its contribution to the score (0 to 100; the score is the sum
 * capped at 100). `unknown_actor` is the sum of its three signals (`no_identity`,
 * `bare_ip_endpoint`, `new_endpoint`).
 */
export const DEFAULT_WEIGHTS = {
  blocked: 30,
  destructive: 20,
  rejected: 25,
  reviewed: 10,
  revoked: 30,
  dropped: 10,
  production: 15,
  no_identity: 20,
  bare_ip_endpoint: 10,
  new_endpoint: 10,
  shared_credential: 25,
  sensitive_files: 20,
  sensitive_tables: 15,
  new_outbound_host: 15,
  cost_spike: 20,
  volume_spike: 15,
  masked: 10,
  first_production_access: 15,
  agent: 5,
  unrecorded: 40,
} as const;

export type WeightKey = keyof typeof DEFAULT_WEIGHTS;

/** What each weight stands for (the README's table is checked against it). */
export const WEIGHT_DESCRIPTIONS: Record<WeightKey, string> = {
  blocked: 'a policy blocked an action',
  destructive:
    'a destructive action was attempted (rm -r, DROP/TRUNCATE, DELETE without WHERE, a file deleted)',
  rejected: 'a reviewer rejected an action',
  reviewed: 'an action was held for review (pending or approved)',
  revoked: 'the session was revoked',
  dropped: 'the connection dropped',
  production: 'the resource is production',
  no_identity: 'unknown_actor: the actor has no email (nor anyone it acts for)',
  bare_ip_endpoint: 'unknown_actor: the session came from a bare IP address',
  new_endpoint: 'unknown_actor: an endpoint never seen with this actor, who has earlier sessions',
  shared_credential: 'the credential is used by several actors (every session on it)',
  sensitive_files: 'a file matching the sensitive file patterns was touched',
  sensitive_tables: 'a table matching the sensitive table patterns was read or written',
  new_outbound_host: 'an outbound host first seen in the org (the session that saw it first)',
  cost_spike: "cost above the baseline factor times the actor's (or credential's) median",
  volume_spike: "events above the baseline factor times the actor's (or credential's) median",
  masked: 'at least maskedFields values were masked',
  first_production_access: "the actor's first session on a production resource others used before",
  agent: 'an AI agent acted',
  unrecorded: 'a recording the rules require is missing',
};

/** Default sensitive file patterns (`*` matches any characters, `/` too; case-insensitive). */
export const DEFAULT_FILE_PATTERNS = [
  '*/auth/*',
  '*/auth.*',
  '*/authn/*',
  '*/authz/*',
  '*/login*',
  '*/session*.ts',
  '*/.env',
  '*/.env.*',
  '*secret*',
  '*credential*',
  '*.pem',
  '*.key',
  '*.p12',
  '*.pfx',
  '*/id_rsa*',
  '*/id_ed25519*',
  '*/id_ecdsa*',
  '*/.ssh/*',
  '*/.aws/credentials',
  '*/.npmrc',
  '*/.netrc',
  '*payment*',
  '*billing*',
];

/** Default sensitive table patterns, over `schema.table` lowercased. */
export const DEFAULT_TABLE_PATTERNS = [
  'users',
  '*.users',
  'customers',
  '*.customers',
  '*payment*',
  '*credit_card*',
  '*card*',
  '*secret*',
  '*password*',
  '*credential*',
  '*token*',
  '*api_key*',
];

const weight = z.number().min(0).max(100);
const patterns = z.array(z.string().min(1).max(1024)).max(1000);

export const significanceConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  weights: z
    .strictObject(
      Object.fromEntries(Object.keys(DEFAULT_WEIGHTS).map((k) => [k, weight.optional()])) as {
        [K in WeightKey]: z.ZodOptional<typeof weight>;
      },
    )
    .default({}),
  patterns: z.strictObject({ files: patterns.optional(), tables: patterns.optional() }).default({}),
  baseline: z
    .strictObject({
      factor: z.number().gt(1).max(1000).optional(),
      windowDays: z.number().int().min(1).max(365).optional(),
      minSessions: z.number().int().min(1).max(10_000).optional(),
      minSpanDays: z.number().int().min(0).max(365).optional(),
    })
    .default({}),
  maskedFields: z.number().int().min(1).max(1_000_000).optional(),
});

export type SignificanceConfigInput = z.input<typeof significanceConfigSchema>;

/** The settings of significance scoring, resolved. */
export interface SignificanceConfig {
  /** Off: no entity index and no cross-session reasons; each session scored from its counters. */
  enabled: boolean;
  weights: Record<WeightKey, number>;
  patterns: { files: string[]; tables: string[] };
  baseline: {
    /** A session above factor × the median is a spike. */
    factor: number;
    /** Days before a session its baseline covers. */
    windowDays: number;
    /** Earlier sessions in the window before a baseline counts... */
    minSessions: number;
    /** ...spread over at least this many days (first to the session's start). */
    minSpanDays: number;
  };
  /** Masked values from which a session has the `masked` reason. */
  maskedFields: number;
}

export const DEFAULT_SIGNIFICANCE: SignificanceConfig = {
  enabled: true,
  weights: { ...DEFAULT_WEIGHTS },
  patterns: { files: DEFAULT_FILE_PATTERNS, tables: DEFAULT_TABLE_PATTERNS },
  baseline: { factor: 3, windowDays: 30, minSessions: 5, minSpanDays: 7 },
  maskedFields: 5,
};

/** Thrown for a bad significance setting; the message names the key. */
export class SignificanceConfigError extends Error {}

/**
 * Resolves settings (from a JSON file or the server's options) over the defaults. `source`
 * prefixes the key named in errors (`AUDITLANE_SIGNIFICANCE_FILE significance.json`).
 */
export function resolveSignificance(input: unknown, source = 'significance'): SignificanceConfig {
  const parsed = significanceConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys =
      issue.code === 'unrecognized_keys' ? `.${(issue as { keys: string[] }).keys[0]}` : '';
    const path = issue.path.map(String).join('.');
    const at = [path, keys.slice(1)].filter(Boolean).join('.');
    const message =
      issue.code === 'unrecognized_keys' ? 'is not a known setting' : issue.message.toLowerCase();
    throw new SignificanceConfigError(`${source}: ${at || '(root)'} ${message}`);
  }
  const c = parsed.data;
  const weights = { ...DEFAULT_WEIGHTS } as Record<WeightKey, number>;
  for (const [k, v] of Object.entries(c.weights)) if (v !== undefined) weights[k as WeightKey] = v;
  return {
    enabled: c.enabled,
    weights,
    patterns: {
      files: c.patterns.files ?? DEFAULT_FILE_PATTERNS,
      tables: c.patterns.tables ?? DEFAULT_TABLE_PATTERNS,
    },
    baseline: {
      factor: c.baseline.factor ?? DEFAULT_SIGNIFICANCE.baseline.factor,
      windowDays: c.baseline.windowDays ?? DEFAULT_SIGNIFICANCE.baseline.windowDays,
      minSessions: c.baseline.minSessions ?? DEFAULT_SIGNIFICANCE.baseline.minSessions,
      minSpanDays: c.baseline.minSpanDays ?? DEFAULT_SIGNIFICANCE.baseline.minSpanDays,
    },
    maskedFields: c.maskedFields ?? DEFAULT_SIGNIFICANCE.maskedFields,
  };
}

/** Evidence codes kept per event in `session_evidence`. */
export type EvidenceCode =
  | 'blocked'
  | 'pending'
  | 'approved'
  | 'rejected'
  | 'masked'
  | 'revoked'
  | 'dropped'
  | 'destructive';

const DESTRUCTIVE_COMMAND =
  /(?:^|[\s;&|(])(?:rm\s+(?:-\S*[rRf]\S*\s+)+|shred\s|mkfs(?:\.\w+)?\s|dd\s+[^|;]*of=\/dev\/|git\s+push\s+[^;&|]*(?:--force\b|-f\b)|git\s+reset\s+--hard|terraform\s+destroy|kubectl\s+delete\s|drop(?:db)?\s+database\b|truncate\s+table\b)/i;
const DESTRUCTIVE_SQL =
  /^\s*(?:drop\s+(?:table|database|schema|index|view)\b|truncate\b|alter\s+table\s+\S+\s+drop\b|delete\s+from\s+[^\s;]+\s*;?\s*$)/i;

/** Whether a command line or SQL statement destroys data (what the `destructive` reason counts). */
export function isDestructive(event: Event): boolean {
  if (event.type === 'command') return DESTRUCTIVE_COMMAND.test(event.text);
  if (event.type === 'query') return DESTRUCTIVE_SQL.test(event.sql);
  if (event.type === 'file') return event.operation === 'delete';
  return false;
}

/** The evidence codes one event gives its session (verdicts, masking, revocation, destruction). */
export function eventEvidence(event: Event): EvidenceCode[] {
  switch (event.type) {
    case 'policy':
      return event.verdict === 'passed' ? [] : [event.verdict];
    case 'masking':
      return event.count > 0 ? ['masked'] : [];
    case 'lifecycle':
      return event.action === 'revoke' ? ['revoked'] : event.action === 'drop' ? ['dropped'] : [];
    case 'command':
    case 'query':
    case 'file':
      return isDestructive(event) ? ['destructive'] : [];
    default:
      return [];
  }
}

/** An actor's (or credential's) sessions in the window before a session. */
export interface Baseline {
  /** Sessions in the window. */
  sessions: number;
  /** From the earliest of them to the session's start. */
  spanMs: number;
  medianCost: number;
  medianVolume: number;
}

/**
 * The baseline when it counts: at least `minSessions` sessions spread over at least `minSpanDays`
 * (the earliest of them to the session's start); else null.
 */
export function learnedBaseline(
  x: Baseline | null,
  settings: SignificanceConfig['baseline'],
): Baseline | null {
  return x && x.sessions >= settings.minSessions && x.spanMs >= settings.minSpanDays * 86_400_000
    ? x
    : null;
}

/** An edge of the session, as stored. */
export interface FactEdge {
  kind: EntityKind;
  key: string;
  firstSeq: number;
  firstEvent: string;
}

/** Everything the score of one session is computed from: stored data only. */
export interface SessionFacts {
  session: Session;
  /** Stored events of the session (its volume). */
  events: number;
  evidence: { code: string; seq: number; eventId: string }[];
  edges: FactEdge[];
  /** By entity id: the entity's first session (earliest first_at, then smallest id). */
  entityFirst: Map<string, string>;
  /**
   * By credential key: its first actors by first use (then by id), at most 7 (self included), so
   * that the 5 others a reason names and whether there are more are known; several means shared.
   */
  credentialActors: Map<string, string[]>;
  /** By entity id (endpoint, resource): this actor's first session on it. */
  pairFirst: Map<string, string>;
  /** Whether the actor has a session that started before this one. */
  actorHasHistory: boolean;
  actorBaseline: Baseline | null;
  credentialBaseline: Baseline | null;
}

/** A session's facts before anything else is known of it (no edges, evidence or history). */
export function blankFacts(session: Session, events: number): SessionFacts {
  return {
    session,
    events,
    evidence: [],
    edges: [],
    entityFirst: new Map(),
    credentialActors: new Map(),
    pairFirst: new Map(),
    actorHasHistory: false,
    actorBaseline: null,
    credentialBaseline: null,
  };
}

/**
 * Actors of one credential its reasons read: the first by first use (then by id). With self
 * left out, that is the 5 a message names and whether there are more. Only a new actor among
 * them (or one whose first use moved among them) changes what the credential's sessions say, so
 * in chronological ingest a busy key's sessions are rescored only while it gains its first few.
 */
export const CREDENTIAL_ACTORS = 7;

/** Most event and entity ids one reason names. */
export const MAX_EVIDENCE = 20;

/** Codes a session's own counters decide (the rest need the entity index). */
const LOCAL_CODES = new Set([
  'blocked',
  'rejected',
  'reviewed',
  'revoked',
  'production',
  'masked',
  'agent',
  'unrecorded',
]);

/**
 * How much a session deserves a look, 0 to 100, with the reasons and their evidence, from its
 * stored facts. Pure: the same facts give the same result, whatever order they were stored in.
 */
export function scoreSession(facts: SessionFacts, config: SignificanceConfig): Significance {
  const w = config.weights;
  const s = facts.session;
  const c = s.counters;
  const reasons: SignificanceReason[] = [];
  const add = (
    code: string,
    message: string,
    weight: number,
    events: string[] = [],
    entities: string[] = [],
  ) => {
    if (weight > 0)
      reasons.push({
        code,
        message: message.slice(0, 500),
        weight,
        evidence: {
          events: events.slice(0, MAX_EVIDENCE),
          entities: entities.slice(0, MAX_EVIDENCE),
        },
      });
  };
  const evidence = (code: string) =>
    facts.evidence
      .filter((e) => e.code === code)
      .sort((a, b) => a.seq - b.seq)
      .map((e) => e.eventId);
  const edgesOf = (kind: EntityKind) =>
    facts.edges
      .filter((e) => e.kind === kind)
      .sort((a, b) => a.firstSeq - b.firstSeq || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const actorId = entityId({ kind: 'actor', key: s.actor.id });
  const startEvent = facts.edges.find((e) => e.kind === 'actor')?.firstEvent;
  const startEvents = startEvent ? [startEvent] : [];
  const resourceId = entityId({ kind: 'resource', key: s.resource.name });
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

  const blocked = evidence('blocked');
  if (c.blocked > 0)
    add('blocked', `${plural(c.blocked, 'action')} blocked by policy`, w.blocked, blocked);
  const destructive = evidence('destructive');
  if (destructive.length > 0)
    add(
      'destructive',
      `${plural(destructive.length, 'destructive action')} attempted`,
      w.destructive,
      destructive,
    );
  if (c.rejected > 0)
    add(
      'rejected',
      `${plural(c.rejected, 'action')} rejected by a reviewer`,
      w.rejected,
      evidence('rejected'),
    );
  if (c.pending + c.approved > 0)
    add('reviewed', `${plural(c.pending + c.approved, 'action')} held for review`, w.reviewed, [
      ...evidence('pending'),
      ...evidence('approved'),
    ]);
  if (s.status === 'revoked')
    add('revoked', 'session revoked', w.revoked, evidence('revoked'), [actorId]);
  const dropped = evidence('dropped');
  if (dropped.length > 0)
    add(
      'dropped',
      `connection dropped${dropped.length > 1 ? ` ${dropped.length} times` : ''}`,
      w.dropped,
      dropped,
    );
  const production = isProduction(s.resource.environment);
  if (production)
    add('production', 'production environment', w.production, startEvents, [resourceId]);

  // Who acted: no identity, a bare IP, an endpoint the actor never came from before.
  const signals: string[] = [];
  let unknown = 0;
  const unknownEntities = [actorId];
  if (!s.actor.email && !s.actor.onBehalfOf) {
    signals.push('no identity (no email)');
    unknown += w.no_identity;
  }
  if (s.endpoint) {
    const endpointId = entityId({ kind: 'endpoint', key: s.endpoint.trim().toLowerCase() });
    let endpointSignal = false;
    if (isBareIp(s.endpoint)) {
      signals.push(`bare IP endpoint ${s.endpoint}`);
      unknown += w.bare_ip_endpoint;
      endpointSignal = true;
    }
    if (facts.actorHasHistory && facts.pairFirst.get(endpointId) === s.id) {
      signals.push(`endpoint ${s.endpoint} never seen with this actor before`);
      unknown += w.new_endpoint;
      endpointSignal = true;
    }
    if (endpointSignal) unknownEntities.push(endpointId);
  }
  if (signals.length > 0)
    add(
      'unknown_actor',
      `weakly attributed actor ${s.actor.id}: ${signals.join(', ')}`,
      unknown,
      startEvents,
      unknownEntities,
    );

  for (const edge of edgesOf('credential')) {
    const actors = facts.credentialActors.get(edge.key);
    if (!actors || actors.length < 2) continue;
    const others = actors.filter((a) => a !== s.actor.id);
    add(
      'shared_credential',
      `credential ${edge.key} is shared with ${actors.length >= CREDENTIAL_ACTORS ? `${others.length} or more other actors` : plural(others.length, 'other actor')}: ${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''}`,
      w.shared_credential,
      [edge.firstEvent],
      [
        entityId({ kind: 'credential', key: edge.key }),
        ...others.map((a) => entityId({ kind: 'actor', key: a })),
      ],
    );
    break;
  }

  const matching = (kind: 'file' | 'table', list: string[]) =>
    edgesOf(kind).filter((e) => {
      const key = e.key.toLowerCase();
      return list.some((p) => globMatch(p.toLowerCase(), key));
    });
  const files = matching('file', config.patterns.files);
  if (files.length > 0)
    add(
      'sensitive_files',
      `${plural(files.length, 'sensitive file')} touched: ${files
        .slice(0, 3)
        .map((e) => e.key)
        .join(', ')}${files.length > 3 ? ', …' : ''}`,
      w.sensitive_files,
      files.map((e) => e.firstEvent),
      files.map((e) => entityId(e)),
    );
  const tables = matching('table', config.patterns.tables);
  if (tables.length > 0)
    add(
      'sensitive_tables',
      `${plural(tables.length, 'sensitive table')} touched: ${tables
        .slice(0, 3)
        .map((e) => e.key)
        .join(', ')}${tables.length > 3 ? ', …' : ''}`,
      w.sensitive_tables,
      tables.map((e) => e.firstEvent),
      tables.map((e) => entityId(e)),
    );
  const hosts = edgesOf('host').filter((e) => facts.entityFirst.get(entityId(e)) === s.id);
  if (hosts.length > 0)
    add(
      'new_outbound_host',
      `${plural(hosts.length, 'outbound host')} first seen in the org: ${hosts
        .slice(0, 3)
        .map((e) => e.key)
        .join(', ')}${hosts.length > 3 ? ', …' : ''}`,
      w.new_outbound_host,
      hosts.map((e) => e.firstEvent),
      hosts.map((e) => entityId(e)),
    );

  // Spend and volume against the actor's own recent sessions (or the credential's).
  const b = config.baseline;
  const actorBase = learnedBaseline(facts.actorBaseline, b);
  const base = actorBase ?? learnedBaseline(facts.credentialBaseline, b);
  if (base) {
    const whose = actorBase ? "the actor's" : "the credential's";
    const baseEntity = actorBase
      ? actorId
      : entityId({ kind: 'credential', key: s.credential?.fingerprint ?? '' });
    const cost = s.usage.costUsd;
    if (base.medianCost > 0 && cost > b.factor * base.medianCost)
      add(
        'cost_spike',
        `cost $${cost.toFixed(2)} is ${(cost / base.medianCost).toFixed(1)}× ${whose} ${b.windowDays}-day median ($${base.medianCost.toFixed(2)})`,
        w.cost_spike,
        [],
        [baseEntity],
      );
    if (base.medianVolume > 0 && facts.events > b.factor * base.medianVolume)
      add(
        'volume_spike',
        `${facts.events} events, ${(facts.events / base.medianVolume).toFixed(1)}× ${whose} ${b.windowDays}-day median (${base.medianVolume})`,
        w.volume_spike,
        [],
        [baseEntity],
      );
  }

  if (c.maskedFields >= config.maskedFields)
    add('masked', `${plural(c.maskedFields, 'field')} masked`, w.masked, evidence('masked'));
  if (
    production &&
    facts.pairFirst.get(resourceId) === s.id &&
    facts.entityFirst.get(resourceId) !== s.id
  )
    add(
      'first_production_access',
      `first session of ${s.actor.id} on production resource ${s.resource.name}`,
      w.first_production_access,
      startEvents,
      [actorId, resourceId],
    );
  if (s.actor.type === 'agent') add('agent', 'an AI agent acted', w.agent, [], [actorId]);
  const unrecorded = missingRecording({
    mode: s.mode,
    resource: s.resource,
    recorded: s.recorded,
    status: s.status,
    terminalEvents: c.terminalEvents,
  });
  if (unrecorded) add('unrecorded', unrecorded, w.unrecorded, startEvents, [resourceId]);
  return finish(reasons);
}

function finish(reasons: SignificanceReason[]): Significance {
  reasons.sort((a, b) => b.weight - a.weight || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const score = Math.min(
    100,
    reasons.reduce((sum, r) => sum + r.weight, 0),
  );
  return { score, reasons };
}

/**
 * What ingest stores until the scorer recomputes a session (within a second): its own counters'
 * reasons, without evidence, beside the cross-session reasons of its previous score.
 */
export function provisionalSignificance(
  session: Session,
  config: SignificanceConfig,
): Significance {
  const local = scoreSession(blankFacts(session, 0), config).reasons.filter((r) =>
    LOCAL_CODES.has(r.code),
  );
  const previous = new Map((session.significance?.reasons ?? []).map((r) => [r.code, r]));
  const reasons = local.map((r) => {
    const before = previous.get(r.code);
    return before?.evidence ? { ...r, evidence: before.evidence } : r;
  });
  for (const r of session.significance?.reasons ?? [])
    if (!LOCAL_CODES.has(r.code)) reasons.push(r);
  return finish(reasons);
}

/** The median of numbers (0 for none). */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The environment variables that override significance settings (after the file). */
export const SIGNIFICANCE_ENV_PREFIX = 'AUDITLANE_SIGNIFICANCE_';

const upper = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/**
 * Significance settings from a JSON file's text (its `source` named in errors), then
 * `AUDITLANE_SIGNIFICANCE_*` variables: `ENABLED` (true/false), `WEIGHT_<REASON>` (a number, e.g.
 * `WEIGHT_SHARED_CREDENTIAL=40`), `FILE_PATTERNS` and `TABLE_PATTERNS` (comma-separated),
 * `BASELINE_FACTOR`, `BASELINE_WINDOW_DAYS`, `BASELINE_MIN_SESSIONS`, `BASELINE_MIN_SPAN_DAYS`,
 * `MASKED_FIELDS`. Throws a SignificanceConfigError naming the key or variable that is wrong.
 */
export function significanceSettings(
  file: { source: string; text: string } | undefined,
  env: Record<string, string | undefined>,
): SignificanceConfig {
  let input: Record<string, unknown> = {};
  if (file) {
    try {
      input = JSON.parse(file.text) as Record<string, unknown>;
    } catch (error) {
      throw new SignificanceConfigError(`${file.source}: not JSON: ${(error as Error).message}`);
    }
    if (!input || typeof input !== 'object' || Array.isArray(input))
      throw new SignificanceConfigError(`${file.source}: must be a JSON object`);
    // Checked alone first, so an error names the file.
    resolveSignificance(input, file.source);
  }
  const section = (name: string) => {
    const current = input[name];
    const copy = current && typeof current === 'object' ? { ...(current as object) } : {};
    input = { ...input, [name]: copy };
    return copy as Record<string, unknown>;
  };
  const settable: Record<string, (raw: string, variable: string) => void> = {
    ENABLED: (raw, variable) => {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) input = { ...input, enabled: true };
      else if (['0', 'false', 'no', 'off'].includes(v)) input = { ...input, enabled: false };
      else throw new SignificanceConfigError(`${variable} must be true or false, got "${raw}"`);
    },
    FILE_PATTERNS: (raw) => {
      section('patterns').files = split(raw);
    },
    TABLE_PATTERNS: (raw) => {
      section('patterns').tables = split(raw);
    },
    MASKED_FIELDS: (raw, variable) => {
      input = { ...input, maskedFields: number(raw, variable) };
    },
  };
  for (const key of Object.keys(DEFAULT_WEIGHTS))
    settable[`WEIGHT_${key.toUpperCase()}`] = (raw, variable) => {
      section('weights')[key] = number(raw, variable);
    };
  for (const key of ['factor', 'windowDays', 'minSessions', 'minSpanDays'])
    settable[`BASELINE_${upper(key)}`] = (raw, variable) => {
      section('baseline')[key] = number(raw, variable);
    };
  const fromEnv: string[] = [];
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith(SIGNIFICANCE_ENV_PREFIX) || raw === undefined) continue;
    const name = variable.slice(SIGNIFICANCE_ENV_PREFIX.length);
    if (name === 'FILE') continue;
    const set = settable[name];
    if (!set)
      throw new SignificanceConfigError(
        `${variable} is not a significance setting (known: ${Object.keys(settable)
          .map((k) => SIGNIFICANCE_ENV_PREFIX + k)
          .join(', ')})`,
      );
    set(raw, variable);
    fromEnv.push(variable);
  }
  return resolveSignificance(
    input,
    fromEnv.length > 0 ? `significance settings (with ${fromEnv.join(', ')})` : 'significance',
  );
}

function split(raw: string): string[] {
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

function number(raw: string, variable: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n))
    throw new SignificanceConfigError(`${variable} must be a number, got "${raw}"`);
  return n;
}

/** The README's table of default weights (a test checks the README holds exactly this). */
export function defaultWeightsTable(): string {
  const rows = (Object.keys(DEFAULT_WEIGHTS) as WeightKey[]).map(
    (key) => `| \`${key}\` | ${DEFAULT_WEIGHTS[key]} | ${WEIGHT_DESCRIPTIONS[key]} |`,
  );
  return ['| weight | default | when |', '|---|---:|---|', ...rows].join('\n');
}
