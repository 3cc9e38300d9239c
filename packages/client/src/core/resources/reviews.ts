import { sleep } from '../../internal/signal';
import type { RequestOptions } from '../../internal/transport';
import {
  type CreateReview,
  createReviewSchema,
  type Review,
  type ReviewDecision,
  type ReviewListParams,
  reviewDecisionSchema,
  reviewListQuerySchema,
  reviewPageSchema,
  reviewSchema,
  toSearchParams,
} from '../../model';
import { APIUserAbortError } from '../error';
import { CursorPage, PagePromise } from '../pagination';
import { check, Resource, segment } from './base';

const LONG_POLL_MS = 25_000;
const MIN_POLL_GAP_MS = 1_000;

export class Reviews extends Resource {
  list(params: ReviewListParams = {}, options?: RequestOptions): PagePromise<Review> {
    check(reviewListQuerySchema, params, 'reviews.list params');
    const fetchPage = async (cursor?: string): Promise<CursorPage<Review>> => {
      const page = await this.transport.json(
        {
          method: 'GET',
          path: '/v1/reviews',
          query: toSearchParams(cursor ? { ...params, cursor } : params),
          idempotent: true,
          what: 'reviews.list',
        },
        reviewPageSchema,
        options,
      );
      return new CursorPage(page, fetchPage);
    };
    return new PagePromise(() => fetchPage());
  }

  /** A review; with `waitMs` the server holds a pending review until it is decided or the wait ends. */
  get(
    reviewId: string,
    params: { waitMs?: number } = {},
    options?: RequestOptions,
  ): Promise<Review> {
    const waitMs = params.waitMs ?? 0;
    return this.transport.json(
      {
        method: 'GET',
        path: `/v1/reviews/${segment(reviewId, 'reviewId')}`,
        query: toSearchParams(params),
        idempotent: true,
        what: 'reviews.get',
        // A long poll must be allowed to outlast its wait.
        minTimeoutMs: waitMs + 15_000,
      },
      reviewSchema,
      options,
    );
  }

  /**
   * Waits until a review is decided (approved, rejected, expired or cancelled) with long polls,
   * never polling hard. Pass a signal to give up.
   */
  async waitForDecision(reviewId: string, options: RequestOptions = {}): Promise<Review> {
    for (;;) {
      if (options.signal?.aborted) throw new APIUserAbortError();
      const asked = Date.now();
      const review = await this.get(reviewId, { waitMs: LONG_POLL_MS }, options);
      if (review.status !== 'pending') return review;
      // A server (or a proxy) that answers long polls early must not make this loop poll hard.
      const early = MIN_POLL_GAP_MS - (Date.now() - asked);
      if (early > 0) {
        try {
          await sleep(early, options.signal);
        } catch {
          throw new APIUserAbortError();
        }
      }
    }
  }

  /** Asks for a review (used by recorders). */
  create(body: CreateReview, options?: RequestOptions): Promise<Review> {
    check(createReviewSchema, body, 'reviews.create body');
    return this.transport.json(
      {
        method: 'POST',
        path: '/v1/reviews',
        body: JSON.stringify(body),
        contentType: 'application/json',
        idempotent: false,
        what: 'reviews.create',
      },
      reviewSchema,
      options,
    );
  }

  approve(reviewId: string, body: ReviewDecision = {}, options?: RequestOptions): Promise<Review> {
    return this.decide(reviewId, 'approve', body, options);
  }

  reject(reviewId: string, body: ReviewDecision = {}, options?: RequestOptions): Promise<Review> {
    return this.decide(reviewId, 'reject', body, options);
  }

  private decide(
    reviewId: string,
    decision: 'approve' | 'reject',
    body: ReviewDecision,
    options?: RequestOptions,
  ): Promise<Review> {
    check(reviewDecisionSchema, body, `reviews.${decision} body`);
    return this.transport.json(
      {
        method: 'POST',
        path: `/v1/reviews/${segment(reviewId, 'reviewId')}/${decision}`,
        body: JSON.stringify(body),
        contentType: 'application/json',
        idempotent: false,
        what: `reviews.${decision}`,
      },
      reviewSchema,
      options,
    );
  }
}
