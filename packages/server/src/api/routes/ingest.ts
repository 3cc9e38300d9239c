import {
  type Event,
  eventSchema,
  type IngestResult,
  MAX_INGEST_BATCH,
  OPERATIONS,
} from '@auditlane/client';
import { Hono } from 'hono';
import { readJsonBody } from '../body';
import {
  type Deps,
  type Env,
  reattachTelemetry,
  reviewKey,
  route,
  seal,
  sessionKey,
  sessionsChanged,
} from '../context';
import { describeZodError, HttpError } from '../errors';

export function ingestRoutes(deps: Deps) {
  const { store, cfg, notifier } = deps;
  const app = new Hono<Env>();

  route(app, deps, OPERATIONS.ingest, async (c) => {
    const body = await readJsonBody(c.req.raw, cfg.maxBodyBytes);
    if (
      !body ||
      typeof body !== 'object' ||
      !Array.isArray((body as { events?: unknown }).events)
    ) {
      throw new HttpError(
        400,
        'validation_failed',
        'the body must be an object with an "events" array',
      );
    }
    const raw = (body as { events: unknown[] }).events;
    if (raw.length === 0) throw new HttpError(400, 'validation_failed', 'events must not be empty');
    if (raw.length > MAX_INGEST_BATCH) {
      throw new HttpError(
        413,
        'payload_too_large',
        `a batch holds at most ${MAX_INGEST_BATCH} events, got ${raw.length}: split it`,
      );
    }
    const result: IngestResult = { accepted: 0, duplicates: 0, rejected: [], revoked: [] };
    const valid: Event[] = [];
    const positions: number[] = [];
    raw.forEach((item, index) => {
      const parsed = eventSchema.safeParse(item);
      if (parsed.success) {
        valid.push(parsed.data);
        positions.push(index);
        return;
      }
      const id = (item as { id?: unknown } | null)?.id;
      result.rejected.push({
        index,
        id: typeof id === 'string' ? id : null,
        code: 'validation_failed',
        message: describeZodError(parsed.error, `events[${index}]`),
      });
    });
    if (valid.length > 0) {
      const report = await store.ingest(c.get('principal').org, valid, {
        receivedAt: new Date(cfg.now()).toISOString(),
        previewRows: cfg.previewRows,
        reconnectGraceMs: cfg.reconnectGraceMs,
        significance: cfg.significance,
      });
      // Committed: the scorer recomputes the sessions the batch queued, without waiting.
      cfg.scorer?.kick();
      const touched = new Set<string>();
      report.outcomes.forEach((outcome, i) => {
        const event = valid[i]!;
        if (outcome.status === 'accepted') {
          result.accepted++;
          touched.add(event.sessionId);
        } else if (outcome.status === 'duplicate') result.duplicates++;
        else {
          const index = positions[i]!;
          result.rejected.push({
            index,
            id: event.id,
            code: outcome.code,
            message: `events[${index}]: ${outcome.message}`,
          });
        }
      });
      result.rejected.sort((a, b) => a.index - b.index);
      result.revoked = report.revoked;
      // The batch's lifecycle events, read once. A session that ended leaves nothing for a
      // reviewer to decide; one whose state changed gets its head signed (seal checks that it is
      // closed). Claude Code telemetry is placed again when a session of its Claude session
      // starts, ends or is revoked: records that arrived before their session are attached, and
      // records whose best session changed move to it. A lifecycle event sent again (a
      // duplicate) places them too: placing is a function of what is stored, and a retry after
      // a failure here must not leave them where they were.
      const endedNow: string[] = [];
      const changedState = new Set<string>();
      const claudeSessions = new Set<string>();
      const ended = new Set<string>();
      for (const [i, outcome] of report.outcomes.entries()) {
        const event = valid[i]!;
        if (event.type !== 'lifecycle') continue;
        if (outcome.status === 'accepted') {
          changedState.add(event.sessionId);
          if (event.action === 'end') endedNow.push(event.sessionId);
        } else if (outcome.status !== 'duplicate') continue;
        if (event.action === 'start') {
          const label = event.session?.labels['claude.session'];
          if (label) claudeSessions.add(label);
        } else if (event.action === 'end' || event.action === 'revoke') ended.add(event.sessionId);
      }
      for (const sessionId of endedNow) {
        const cancelled = await store.shared.cancelReviews(
          c.get('principal').org,
          sessionId,
          'the session ended before a decision',
          cfg.now(),
        );
        for (const r of cancelled) notifier.notify(reviewKey(c.get('principal').org, r.id));
      }
      for (const id of touched) notifier.notify(sessionKey(c.get('principal').org, id));
      for (const id of changedState) await seal(cfg, c.get('principal').org, id);
      // The ended sessions' Claude sessions: one query for the batch.
      for (const label of await store.claudeSessionsOf(c.get('principal').org, [...ended]))
        claudeSessions.add(label);
      for (const id of await reattachTelemetry(store, cfg, c.get('principal').org, claudeSessions))
        touched.add(id);
      // After the commit: alerts see the sessions as stored.
      await sessionsChanged(cfg, c.get('principal').org, touched);
    }
    return c.json(result);
  });

  return app;
}
