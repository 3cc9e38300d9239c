import type { Review } from '@auditlane/client';
import { formatActor } from '@auditlane/client/helpers';
import { useAsync, useAuditlaneClient } from '@auditlane/react';
import { useEffect, useState } from 'react';
import { useLink } from './router';

const POLL_MS = 2_000;

/**
 * The reviews inbox: commands, queries, tool calls and sessions waiting for a reviewer, newest
 * first, refreshed every two seconds. Approving lets the waiting recorder run the command;
 * rejecting refuses it. Decided reviews stay listed below.
 */
export function ReviewsPage() {
  const client = useAuditlaneClient('ReviewsPage');
  const pending = useAsync('reviews:pending', async (signal) => {
    const page = await client.reviews.list({ status: ['pending'], limit: 100 }, { signal });
    return page.data;
  });
  const decided = useAsync('reviews:decided', async (signal) => {
    const page = await client.reviews.list(
      { status: ['approved', 'rejected'], limit: 20 },
      { signal },
    );
    return page.data;
  });
  useEffect(() => {
    const timer = setInterval(() => {
      pending.reload();
      decided.reload();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [pending.reload, decided.reload]);
  const list = pending.data ?? [];
  return (
    <section className="panel__page" aria-labelledby="reviews-title">
      <h1 id="reviews-title">Reviews</h1>
      <h2 id="pending-title">
        Waiting for a decision <span className="panel__count">{list.length}</span>
      </h2>
      {pending.error ? (
        <p role="alert" className="panel__error">
          Could not load reviews: {pending.error.message}
        </p>
      ) : null}
      {pending.status === 'success' && list.length === 0 ? (
        <p className="panel__empty">Nothing is waiting for a reviewer.</p>
      ) : null}
      <ul className="panel__reviews" aria-labelledby="pending-title">
        {list.map((review) => (
          <PendingReview
            key={review.id}
            review={review}
            onDecided={() => {
              pending.reload();
              decided.reload();
            }}
          />
        ))}
      </ul>
      <h2 id="decided-title">Decided recently</h2>
      <ul className="panel__reviews" aria-labelledby="decided-title">
        {(decided.data ?? []).map((review) => (
          <li key={review.id} className="panel__review" data-status={review.status}>
            <ReviewSummary review={review} />
            <p className="panel__decision">
              {review.status === 'approved' ? 'Approved' : 'Rejected'} by {review.decidedBy ?? '—'}
              {review.comment ? ` — “${review.comment}”` : ''}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ReviewSummary({ review }: { review: Review }) {
  const link = useLink();
  return (
    <>
      <div className="panel__review-head">
        <span className="panel__kind">{review.subject.type.replace('_', ' ')}</span>
        <code className="panel__subject">{review.subject.text}</code>
      </div>
      <p className="panel__review-meta">
        {formatActor(review.requestedBy)} on <strong>{review.resource.name}</strong> (
        {review.resource.environment}) · {new Date(review.requestedAt).toLocaleString()}
        {review.reason ? ` · ${review.reason}` : ''} ·{' '}
        <a {...link(`/sessions/${encodeURIComponent(review.sessionId)}`)}>open session</a>
      </p>
    </>
  );
}

function PendingReview({ review, onDecided }: { review: Review; onDecided: () => void }) {
  const client = useAuditlaneClient('ReviewsPage');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setError(null);
    try {
      const body = comment ? { comment } : {};
      if (decision === 'approve') await client.reviews.approve(review.id, body);
      else await client.reviews.reject(review.id, body);
      onDecided();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  const label = `${review.subject.type.replace('_', ' ')} ${review.subject.text}`.slice(0, 120);
  return (
    <li className="panel__review" data-status="pending" aria-label={label}>
      <ReviewSummary review={review} />
      <div className="panel__review-actions">
        <input
          className="al-input"
          aria-label="Comment (optional)"
          placeholder="Comment (optional)"
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
        <button
          type="button"
          className="al-button"
          data-variant="primary"
          disabled={busy}
          onClick={() => void decide('approve')}
        >
          Approve
        </button>
        <button
          type="button"
          className="al-button"
          data-variant="danger"
          disabled={busy}
          onClick={() => void decide('reject')}
        >
          Reject
        </button>
      </div>
      {error ? (
        <p role="alert" className="panel__error">
          {error}
        </p>
      ) : null}
    </li>
  );
}
