import {
  createReviewSchema,
  type Review,
  reviewDecisionSchema,
  reviewIdSchema,
  reviewListQuerySchema,
  reviewWaitQuerySchema,
} from '@auditlane/client';
import { type Context, Hono } from 'hono';
import { OPEN_STATUSES } from '../../store/reads';
import { readJsonBody } from '../body';
import {
  type Deps,
  type Env,
  notFound,
  parseBody,
  parseQuery,
  requirePermission,
  reviewKey,
  sessionKey,
} from '../context';
import { HttpError } from '../errors';

export function reviewRoutes({ store, cfg, notifier }: Deps) {
  const app = new Hono<Env>();
  const org = (c: Context<Env>) => c.get('principal').org;

  app.get('/reviews', requirePermission('review', 'view_history'), async (c) => {
    const query = parseQuery(c, reviewListQuerySchema);
    return c.json(await store.shared.listReviews(org(c), query, cfg.now()));
  });

  app.post('/reviews', requirePermission('ingest'), async (c) => {
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
    const review = await store.shared.createReview(org(c), session, input, cfg.now());
    if (review.kind === 'session') {
      // Just-in-time access: the session waits until a reviewer decides.
      await store.updateSession(org(c), session.id, (s) =>
        s.status === 'active' ? { ...s, status: 'pending_review' } : null,
      );
      notifier.notify(sessionKey(session.id));
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

  app.get(
    '/reviews/:reviewId',
    requirePermission('review', 'view_history', 'ingest'),
    async (c) => {
      const id = reviewParam(c);
      const { waitMs = 0 } = parseQuery(c, reviewWaitQuerySchema);
      const deadline = cfg.now() + Math.min(waitMs, cfg.maxWaitMs);
      const signal = c.req.raw.signal;
      for (;;) {
        const review = await store.shared.getReview(org(c), id, cfg.now());
        if (!review) throw notFound('review', id);
        const left = deadline - cfg.now();
        if (review.status !== 'pending' || left <= 0 || signal.aborted) return c.json(review);
        await notifier.wait(reviewKey(id), Math.min(left, cfg.pollMs), signal);
        // The caller went away, or the server is closing: answer with what was read, without
        // reading the store again (it may be closed by now).
        if (signal.aborted) return c.json(review);
      }
    },
  );

  const decide = (decision: 'approved' | 'rejected') => async (c: Context<Env>) => {
    const id = reviewParam(c);
    const raw = await readJsonBody(c.req.raw, cfg.maxBodyBytes, { optional: true });
    const body = parseBody(reviewDecisionSchema, raw ?? {});
    const principal = c.get('principal');
    const outcome = await store.shared.decideReview(
      principal.org,
      id,
      decision,
      principal.name,
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
    }
    notifier.notify(reviewKey(id));
    notifier.notify(sessionKey(review.sessionId));
    notifier.notify(`reviews:${principal.org}`);
    return c.json(review);
  };

  app.post('/reviews/:reviewId/approve', requirePermission('review'), decide('approved'));
  app.post('/reviews/:reviewId/reject', requirePermission('review'), decide('rejected'));

  return app;
}
