import type { AuditlaneClient } from '@auditlane/client';
import type { Subject } from '../policy/policy';
import { type Authorization, type DecisionContext, failover, type Held, outcome } from './decision';

/** What the review round trip needs beyond the decision flow's context. */
export interface ReviewContext extends DecisionContext {
  readonly sessionId: string;
  /** The server that decides reviews (none: a review verdict blocks). */
  readonly client: AuditlaneClient | undefined;
  /** How long the action waits for a reviewer. */
  readonly timeoutMs: number;
  now(): number;
  /** Delivers what was recorded so far (the reviewer sees the session up to the action). */
  flush(options: { timeoutMs: number }): Promise<void>;
  /** What the reviewer is shown of the action: masked like its event. */
  subjectText(subject: Subject): string;
  /** Free text masked (the policy's reason can quote the action). */
  maskText(text: string): string;
}

/**
 * Holds an action for a reviewer: flushes the session, opens a review on the server (expiring
 * when this stops waiting), records it pending, waits with a long poll, and records the
 * decision. A review that cannot complete fails closed or open as the policy says.
 */
export async function requestReview(ctx: ReviewContext, held: Held): Promise<Authorization> {
  const { decision, subjectId, subject } = held;
  const extra = { rule: decision.rule, reason: decision.reason };
  if (!ctx.client) {
    const reason = `${decision.reason ?? 'needs a reviewer'}; no server to ask (blocked)`;
    ctx.verdict(subjectId, 'blocked', { ...extra, reason });
    return outcome(held, false, reason);
  }
  try {
    await ctx.flush({ timeoutMs: 10_000 });
    // The review expires on the server when this recorder stops waiting for it, so it does
    // not linger in a reviewer's inbox as something a decision could still unblock.
    const review = await ctx.client.reviews.create({
      kind: 'command',
      sessionId: ctx.sessionId,
      eventId: subjectId,
      subject: { type: subjectType(subject), text: ctx.subjectText(subject) },
      rule: decision.rule,
      reason: decision.reason === undefined ? undefined : ctx.maskText(decision.reason),
      expiresAt: new Date(ctx.now() + ctx.timeoutMs).toISOString(),
    });
    ctx.verdict(subjectId, 'pending', { ...extra, reviewId: review.id });
    await ctx.flush({ timeoutMs: 10_000 }).catch(() => {});
    const signal = AbortSignal.timeout(ctx.timeoutMs);
    const decided = await ctx.client.reviews.waitForDecision(review.id, { signal });
    const approved = decided.status === 'approved';
    ctx.verdict(subjectId, approved ? 'approved' : 'rejected', {
      ...extra,
      reviewId: review.id,
      reviewer: decided.decidedBy ?? undefined,
      decidedAt: decided.decidedAt ?? undefined,
      reason: decided.comment ?? decision.reason,
    });
    if (approved) return { ...outcome(held, true), approvedBy: decided.decidedBy ?? 'a reviewer' };
    const by = decided.decidedBy ?? 'the reviewer';
    return outcome(
      held,
      false,
      `${decided.status} by ${by}${decided.comment ? `: ${decided.comment}` : ''}`,
    );
  } catch (error) {
    const why = `the review could not complete (${(error as Error).message})`;
    ctx.onError(new Error(why));
    return failover(ctx, held, why);
  }
}

function subjectType(subject: Subject): 'command' | 'query' | 'tool_call' {
  return subject.kind === 'sql' ? 'query' : subject.kind === 'command' ? 'command' : 'tool_call';
}
