import type {
  OperatorBrief,
  OverviewKpis,
  OverviewLinks,
  PriorityItem,
  Session,
  SignificanceReason,
} from '@auditlane/client';

/**
 * What each reason code says, in the "why it matters" line (`why`) and in the brief, after
 * "one active session ..." (`clause`). Codes without a template are told by their own message.
 */
const REASONS: Record<string, { why?: (r: SignificanceReason) => string; clause: string }> = {
  blocked: { clause: 'had an action blocked by policy' },
  destructive: { clause: 'attempted a destructive action' },
  rejected: { clause: 'was rejected by a reviewer' },
  reviewed: { clause: 'was held for review' },
  revoked: { why: () => 'revoked', clause: 'was revoked' },
  dropped: { clause: 'dropped its connection' },
  production: { why: () => 'in production', clause: 'worked in production' },
  unknown_actor: { clause: 'was run by an unknown actor' },
  shared_credential: { clause: 'used a key shared with other actors' },
  sensitive_files: { clause: 'widened into sensitive files' },
  sensitive_tables: { clause: 'reached sensitive tables' },
  new_outbound_host: { clause: 'called an outbound host never seen before' },
  cost_spike: { clause: 'spent far above its baseline' },
  volume_spike: { clause: 'did far more than its baseline' },
  first_production_access: { clause: 'took its actor to production for the first time' },
  masked: { clause: 'touched masked data' },
  agent: { why: () => 'an AI agent acted', clause: 'was run by an AI agent' },
  unrecorded: { why: () => 'recording missing', clause: 'is missing its recording' },
};

const STATUS_WORD: Record<Session['status'], string> = {
  pending_review: 'waiting',
  active: 'active',
  ended: 'ended',
  revoked: 'revoked',
  dropped: 'dropped',
  blocked: 'blocked',
  failed: 'failed',
};

const NUMBERS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const word = (n: number) => NUMBERS[n] ?? String(n);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The names of a list, three at most then "and N more" (of `total`, when more exist than listed). */
function names(items: readonly string[], total = items.length): string {
  const shown = items.slice(0, 3);
  const rest = Math.max(total, items.length) - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/** The reasons of a session, heaviest first (ties by code: the same reasons, the same line). */
function reasonsOf(session: Session): SignificanceReason[] {
  return [...(session.significance?.reasons ?? [])].sort(
    (a, b) => b.weight - a.weight || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

function actorLabel(session: Session): string {
  return session.actor.email ?? session.actor.name ?? session.actor.id;
}

/**
 * Why a session matters, in one line: its status, who, where, then its three heaviest reasons.
 * E.g. "Active session of bob@acme.test on billing-db: 2 blocked by policy; in production".
 */
export function whyItMatters(session: Session): string {
  const reasons = reasonsOf(session)
    .slice(0, 3)
    .map((r) => REASONS[r.code]?.why?.(r) ?? r.message);
  const head = `${capital(STATUS_WORD[session.status])} session of ${actorLabel(session)} on ${session.resource.name}`;
  const line =
    reasons.length > 0 ? `${head}: ${reasons.join('; ')}` : `${head}: nothing stands out`;
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** Reasons that link a session to others (the index's): they tell more than its own counters. */
const CROSS = new Set([
  'unknown_actor',
  'shared_credential',
  'sensitive_files',
  'sensitive_tables',
  'new_outbound_host',
  'cost_spike',
  'volume_spike',
  'first_production_access',
]);

/**
 * "one active session widened into sensitive files": the heaviest reason linking the session to
 * others (else the heaviest of all) with a template that no session described before it in the
 * brief already stands for. The status already says revoked.
 */
function clause(session: Session, used: Set<string>): string {
  const all = reasonsOf(session).filter(
    (r) => REASONS[r.code] && !(r.code === 'revoked' && session.status === 'revoked'),
  );
  const reasons = [
    ...all.filter((r) => CROSS.has(r.code)),
    ...all.filter((r) => !CROSS.has(r.code)),
  ];
  const telling =
    reasons.find((r) => !used.has(REASONS[r.code]!.clause)) ?? reasons[0] ?? reasonsOf(session)[0];
  const what = telling
    ? (REASONS[telling.code]?.clause ?? `stands out (${telling.message})`)
    : 'stands out';
  used.add(what);
  return `one ${STATUS_WORD[session.status]} session ${what}`;
}

export interface BriefFacts {
  kpis: OverviewKpis;
  threshold: number;
  /** The high-signal sessions of the period, highest score first (the queue's). */
  matter: PriorityItem[];
  /** How many sessions of the period are high-signal (the queue may list fewer). */
  high: number;
  links: OverviewLinks;
}

/** Most sessions the brief describes one by one; it counts the others. */
const DESCRIBED = 2;

/**
 * The operator brief: one to four sentences written by fixed templates from the overview's facts
 * (the same facts, the same words). The first says which sessions matter now (or that none do);
 * the others tell, in this order, of shared credentials, first-seen outbound hosts, unknown
 * actors and waiting reviews, while there is room.
 */
export function operatorBrief(facts: BriefFacts): OperatorBrief {
  const { kpis, threshold, matter, high, links } = facts;
  const sentences: string[] = [];
  const described = matter.slice(0, DESCRIBED);
  if (high === 0) {
    sentences.push(
      kpis.sessions === 0
        ? `Nothing needs attention now: no sessions in the period${kpis.activeNow > 0 ? `, ${plural(kpis.activeNow, 'session')} still open from before` : ''}.`
        : `Nothing needs attention now: none of the ${plural(kpis.sessions, 'session')} of the period scored ${threshold} or more${kpis.activeNow > 0 ? `, ${kpis.activeNow} active now` : ''}.`,
    );
  } else {
    const used = new Set<string>();
    const clauses = described.map((item) => clause(item.session, used));
    const rest = high - described.length;
    if (rest > 0) clauses.push(`${word(rest)} more`);
    const list =
      clauses.length === 1
        ? clauses[0]!
        : `${clauses.slice(0, -1).join(', ')}, and ${clauses.at(-1)}`;
    sentences.push(`${high === 1 ? '1 session matters' : `${high} sessions matter`} now: ${list}.`);
  }
  const shared = links.sharedCredentials[0];
  if (shared) {
    const others = links.sharedCredentials.length - 1;
    sentences.push(
      `Credential ${shared.credential.label} is shared by ${word(shared.credential.actors)} actors: ${names(
        shared.actors.map((a) => a.actorId),
        shared.credential.actors,
      )}${others > 0 ? ` (${plural(others, 'other credential')} too)` : ''}.`,
    );
  }
  if (sentences.length < 4 && links.newHosts.length > 0) {
    const hosts = links.newHosts.map((h) => h.label);
    sentences.push(
      `${capital(word(hosts.length))} outbound ${hosts.length === 1 ? 'host was' : 'hosts were'} seen for the first time: ${names(hosts)}.`,
    );
  }
  if (sentences.length < 4 && links.unknownActors.length > 0) {
    const actors = links.unknownActors.map((a) => a.actorId);
    sentences.push(
      `${capital(word(actors.length))} unknown ${actors.length === 1 ? 'actor' : 'actors'} acted: ${names(actors)}.`,
    );
  }
  if (sentences.length < 4 && kpis.waitingReviews > 0) {
    sentences.push(
      `${plural(kpis.waitingReviews, 'review')} ${kpis.waitingReviews === 1 ? 'waits' : 'wait'} for a decision.`,
    );
  }
  return {
    text: sentences.join(' '),
    sentences,
    sessionIds: described.map((item) => item.session.id),
  };
}
