import {
  createReviewSchema,
  OPEN_STATUSES,
  OPERATIONS,
  type Review,
  reviewDecisionSchema,
  reviewIdSchema,
  reviewListQuerySchema,
  reviewWaitQuerySchema,
} from '@auditlane/client';
import { type Context, Hono } from 'hono';
import type { Principal } from '../../store/types';
import { readJsonBody } from '../body';
import {
  type AppConfig,
  type Deps,
  type Env,
  notFound,
  parseBody,
  parseQuery,
  reviewKey,
  route,
  seal,
  sessionKey,
  sessionsChanged,
} from '../context';
import { HttpError } from '../errors';

/**
 * Requester and reviewer differ: the token that asked for a review cannot decide it, nor can a
 * token named after the person whose session waits (their actor id, email or name), unless the
 * org allows it (`selfReviewOrgs`, for one-person teams).
 */
function refuseSelfReview(cfg: AppConfig, principal: Principal, review: Review): void {
  if (cfg.selfReviewOrgs.includes(principal.org)) return;
  if (review.requestedByToken?.id === principal.tokenId) {
    throw new HttpError(
      403,
      'self_review',
      `review ${review.id} was asked for with this token: another reviewer decides it`,
      { reviewId: review.id, requestedByToken: review.requestedByToken },
    );
  }
  const me = principal.name.trim().toLowerCase();
  const actor = review.requestedBy;
  const own =
    me !== '' && [actor.id, actor.email, actor.name].some((v) => v?.trim().toLowerCase() === me);
  if (own) {
    throw new HttpError(
      403,
      'self_review',
      `review ${review.id} waits in a session of ${principal.name} (this token's holder): another reviewer decides it`,
      { reviewId: review.id, requestedBy: actor },
    );
  }
}

export function reviewRoutes(deps: Deps) {
  const { store, cfg, notifier } = deps;
  const app = new Hono<Env>();
  const org = (c: Context<Env>) => c.get('principal').org;

  route(app, deps, OPERATIONS.listReviews, async (c) => {
    const query = parseQuery(c, reviewListQuerySchema);
    return c.json(await store.shared.listReviews(org(c), query, cfg.now()));
  });

  route(app, deps, OPERATIONS.createReview, async (c) => {
    const input = parseBody(createReviewSchema, await readJsonBody(c.req.raw, cfg.maxBodyBytes));
    const session = await store.getSession(org(c), input.sessionId);
    if (!session) throw notFound('session', input.sessionId);
    if (!OPEN_STATUSES.has(session.status)) {
      throw new HttpError(
        409,
        'conflict',
        `session ${session.id} is ${session.status}: nothing can wait for review`,
      );
    }
    const principal = c.get('principal');
    const review = await store.shared.createReview(org(c), session, input, cfg.now(), {
      id: principal.tokenId,
      name: principal.name,
    });
    if (review.kind === 'session') {
      // Just-in-time access: the session waits until a reviewer decides.
      await store.updateSession(org(c), session.id, (s) =>
        s.status === 'active' ? { ...s, status: 'pending_review' } : null,
      );
      notifier.notify(sessionKey(org(c), session.id));
      await sessionsChanged(cfg, org(c), [session.id]);
    }
    notifier.notify(`reviews:${org(c)}`);
    return c.json(review, 201);
  });

  /** The review id of the path; a malformed one cannot exist (404, like any unknown id). */
  const reviewParam = (c: Context<Env>): string => {
    const id = c.req.param('reviewId') ?? '';
    if (!reviewIdSchema.safeParse(id).success)
      throw new HttpError(404, 'not_found', `no review ${id} (not a review id)`);
    return id;
  };

  route(app, deps, OPERATIONS.getReview, async (c) => {
    const id = reviewParam(c);
    const { waitMs = 0 } = parseQuery(c, reviewWaitQuerySchema);
    const deadline = cfg.now() + Math.min(waitMs, cfg.maxWaitMs);
    const signal = c.req.raw.signal;
    for (;;) {
      const review = await store.shared.getReview(org(c), id, cfg.now());
      if (!review) throw notFound('review', id);
      const left = deadline - cfg.now();
      if (review.status !== 'pending' || left <= 0 || signal.aborted) return c.json(review);
      await notifier.wait(reviewKey(org(c), id), Math.min(left, cfg.pollMs), signal);
      // The caller went away, or the server is closing: answer with what was read, without
      // reading the store again (it may be closed by now).
      if (signal.aborted) return c.json(review);
    }
  });

  const decide = (decision: 'approved' | 'rejected') => async (c: Context<Env>) => {
    const id = reviewParam(c);
    const raw = await readJsonBody(c.req.raw, cfg.maxBodyBytes, { optional: true });
    const body = parseBody(reviewDecisionSchema, raw ?? {});
    const principal = c.get('principal');
    const current = await store.shared.getReview(principal.org, id, cfg.now());
    if (!current) throw notFound('review', id);
    if (current.status === 'pending') refuseSelfReview(cfg, principal, current);
    const outcome = await store.shared.decideReview(
      principal.org,
      id,
      decision,
      { id: principal.tokenId, name: principal.name },
      body.comment,
      cfg.now(),
    );
    if (!outcome) throw notFound('review', id);
    if (!outcome.decided) {
      throw new HttpError(409, 'conflict', `review ${id} is already ${outcome.review.status}`, {
        review: outcome.review,
      });
    }
    const review: Review = outcome.review;
    if (review.kind === 'session') {
      await store.updateSession(principal.org, review.sessionId, (s) => {
        if (s.status !== 'pending_review') return null;
        if (decision === 'approved') return { ...s, status: 'active' };
        const reason = `access rejected by ${principal.name}${body.comment ? `: ${body.comment}` : ''}`;
        return { ...s, status: 'blocked', closeReason: reason };
      });
      // A rejected session is closed: its head gets signed.
      await seal(cfg, principal.org, review.sessionId);
      await sessionsChanged(cfg, principal.org, [review.sessionId]);
    }
    notifier.notify(reviewKey(principal.org, id));
    notifier.notify(sessionKey(principal.org, review.sessionId));
    notifier.notify(`reviews:${principal.org}`);
    return c.json(review);
  };

  route(app, deps, OPERATIONS.approveReview, decide('approved'));
  route(app, deps, OPERATIONS.rejectReview, decide('rejected'));

  return app;
}
