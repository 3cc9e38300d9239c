import { monotonicFactory } from 'ulid';

/** Creates id generators: ids from one generator sort in creation order, even within a millisecond. */
export function createIdGenerator() {
  const next = monotonicFactory();
  return {
    sessionId: (now: number = Date.now()) => `sess_${next(now)}`,
    eventId: (now: number = Date.now()) => `evt_${next(now)}`,
    reviewId: (now: number = Date.now()) => `rev_${next(now)}`,
  };
}
