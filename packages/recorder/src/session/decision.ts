import { isProduction } from '@auditlane/client';
import type { Decision, Policy, PolicyScope, Subject } from '../policy/policy';

/** The outcome of asking the policy about an action, after any review. */
export interface Authorization {
  allowed: boolean;
  /** The id the action's own event gets (policy and masking events point at it). */
  subjectId: string;
  decision: Decision;
  /** The policy says the action's output must not be recorded (only that it was masked). */
  maskOutput: boolean;
  /** Why it was not allowed, for the tool to show. */
  reason?: string;
  /** Set when a reviewer approved it (not when a review could not happen and it passed fail-open). */
  approvedBy?: string;
}

export type VerdictName = 'passed' | 'blocked' | 'pending' | 'approved' | 'rejected';

export interface VerdictExtra {
  rule?: string;
  reason?: string;
  reviewId?: string;
  reviewer?: string;
  decidedAt?: string;
}

/** What the decision flow needs of its session. */
export interface DecisionContext {
  readonly scope: PolicyScope;
  /** The session's environment (decides fail-closed when no policy is there to say). */
  readonly environment: string | undefined;
  /** The recorder was made with `policy: false`: nothing is decided. */
  readonly policyOff: boolean;
  /** A decision that comes before the policy's (a recording that is required and cannot be kept). */
  overrule?(): Decision | undefined;
  newId(): string;
  onError(error: Error): void;
  /** Records a policy event about `subjectId` (its reason masked). */
  verdict(subjectId: string, verdict: VerdictName, extra?: VerdictExtra): void;
}

/** An action the policy wants a reviewer for. */
export interface Held {
  subject: Subject;
  subjectId: string;
  decision: Decision;
  /** The policy fails closed here (production, or `onError: closed`). */
  closed: boolean;
}

/**
 * The one decision flow. `allow` and `mask` let the action run; `block` records the verdict and
 * refuses it; `review` is handed to `review`, which returns at once (a synchronous driver:
 * `cannotWait`) or waits for a reviewer (`requestReview`). `subjectId`: the id the action's event
 * has (when it was recorded before asking) or will get.
 */
export function authorizeWith<R>(
  ctx: DecisionContext,
  subject: Subject,
  policy: Policy | undefined,
  review: (held: Held) => R,
  subjectId: string = ctx.newId(),
): Authorization | R {
  const held = decide(ctx, subject, policy, subjectId);
  const { decision } = held;
  if (decision.verdict === 'allow' || decision.verdict === 'mask') return outcome(held, true);
  if (decision.verdict === 'block') {
    ctx.verdict(subjectId, 'blocked', { rule: decision.rule, reason: decision.reason });
    return outcome(held, false, decision.reason ?? `blocked by ${decision.rule}`);
  }
  return review(held);
}

/** The authorization of a decided action. */
export function outcome(held: Held, allowed: boolean, reason?: string): Authorization {
  return {
    allowed,
    subjectId: held.subjectId,
    decision: held.decision,
    maskOutput: held.decision.verdict === 'mask',
    reason,
  };
}

/**
 * A review that cannot happen (`why`): the action is blocked where the policy fails closed and
 * passes elsewhere, said so on its policy event.
 */
export function failover(ctx: DecisionContext, held: Held, why: string): Authorization {
  const { decision, subjectId } = held;
  const needs = decision.reason ?? 'needs a reviewer';
  const reason = `${needs}; ${why} (${held.closed ? 'fail-closed' : 'fail-open'})`;
  ctx.verdict(subjectId, held.closed ? 'blocked' : 'passed', { rule: decision.rule, reason });
  return held.closed ? outcome(held, false, reason) : outcome(held, true);
}

/** A synchronous driver's answer to a review verdict: it cannot wait for one. */
export function cannotWait(ctx: DecisionContext): (held: Held) => Authorization {
  return (held) => failover(ctx, held, 'a synchronous driver cannot wait for one');
}

/** The policy's decision on `subject` now; `subjectId` is the id the action's event gets. */
function decide(
  ctx: DecisionContext,
  subject: Subject,
  policy: Policy | undefined,
  subjectId: string,
): Held {
  const closed = policy ? policy.failsClosed(ctx.scope) : isProduction(ctx.environment ?? '');
  let decision: Decision;
  try {
    decision = policy ? policy.decide(subject, ctx.scope) : { verdict: 'allow' };
  } catch (error) {
    ctx.onError(new Error(`the policy failed: ${(error as Error).message}`));
    decision = closed
      ? {
          verdict: 'block',
          rule: 'policy-error',
          reason: 'the policy could not decide (fail-closed)',
        }
      : { verdict: 'allow' };
  }
  if (!policy && !ctx.policyOff && closed) {
    decision = {
      verdict: 'block',
      rule: 'policy-error',
      reason: 'the policy did not load (fail-closed)',
    };
  }
  decision = ctx.overrule?.() ?? decision;
  return { subject, subjectId, decision, closed };
}
