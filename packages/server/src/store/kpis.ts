import type { Session } from '@auditlane/client';

/**
 * What the overview counts of a session, kept as columns of its row (beside its document) so
 * that the KPIs of a period are read from one index: LLM cost in micro-dollars (integer sums
 * stay exact) and the actions blocked. Derived from the session alone, so they are the same
 * whatever order its events arrived in.
 */
export function kpiColumns(session: Session): { cost_micros: number; blocked: number } {
  return {
    cost_micros: Math.round(session.usage.costUsd * 1_000_000),
    blocked: session.counters.blocked,
  };
}
