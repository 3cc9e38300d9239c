import type { ActorType, ResourceType, SessionStatus } from '@auditlane/client';
import { formatCost, formatDuration } from '../internal/format';
import { deepFreeze } from './deep-freeze';
import { integer } from './english';

/** Strings shared by the components: enum values and units. */
export interface CommonMessages {
  /** A session's status, as a word ("pending review"). */
  status: Record<SessionStatus, string>;
  /** Who acted: a person, an agent, a service account. */
  actorType: Record<ActorType, string>;
  resourceType: Record<ResourceType, string>;
  /** A duration in milliseconds, compact ("850 ms", "1m 05s"). */
  duration: (ms: number | null | undefined) => string;
  /** A cost in US dollars ("$1.60", "—" for none). */
  cost: (usd: number) => string;
  /** A whole number ("12,345"). */
  number: (n: number) => string;
  /** A session that is still going (the duration column, the detail's header). */
  live: string;
  retry: string;
  /** When an error has no message. */
  unknownError: string;
}

/** The `common` group in English (frozen, every record in it). */
export const commonMessages: CommonMessages = /* @__PURE__ */ deepFreeze<CommonMessages>({
  status: {
    pending_review: 'pending review',
    active: 'active',
    ended: 'ended',
    revoked: 'revoked',
    dropped: 'dropped',
    blocked: 'blocked',
    failed: 'failed',
  },
  actorType: { human: 'human', agent: 'agent', service: 'service' },
  resourceType: {
    database: 'database',
    ssh: 'ssh',
    application: 'application',
    kubernetes: 'kubernetes',
    llm: 'llm',
    http: 'http',
  },
  duration: formatDuration,
  cost: formatCost,
  number: integer,
  live: 'live',
  retry: 'Retry',
  unknownError: 'unknown error',
});
