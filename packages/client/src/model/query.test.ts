import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { PERIOD_MS, PERIOD_PRESETS } from './helpers';
import { createIdGenerator } from './ids';
import {
  countSchema,
  type EventListQuery,
  eventListQuerySchema,
  fromSearchParams,
  labelFilterSchema,
  type ReviewListQuery,
  reviewListQuerySchema,
  type SessionExportQuery,
  type SessionListQuery,
  sessionExportQuerySchema,
  sessionListQuerySchema,
  toSearchParams,
} from './query';

const sessionId = createIdGenerator().sessionId(Date.parse('2026-11-25T06:19:32.123Z'));

/** Runs fn and returns the ZodError it throws. */
function zodErrorOf(fn: () => unknown): ZodError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ZodError) return error;
    throw error;
  }
  throw new Error('expected a ZodError');
}

describe('toSearchParams', () => {
  it('repeats list values', () => {
    const params = toSearchParams({ status: ['active', 'ended'], environment: ['production'] });
    expect(params.getAll('status')).toEqual(['active', 'ended']);
    expect(params.getAll('environment')).toEqual(['production']);
    expect(params.toString()).toBe('status=active&status=ended&environment=production');
  });

  it('leaves out undefined and null values', () => {
    const params = toSearchParams({ q: undefined, cursor: null, limit: 20 });
    expect([...params.keys()]).toEqual(['limit']);
    expect(params.toString()).toBe('limit=20');
  });

  it('leaves out an empty list', () => {
    expect(toSearchParams({ status: [] }).toString()).toBe('');
  });

  it('writes numbers and booleans as strings', () => {
    const params = toSearchParams({ limit: 20, minSignificance: 42.5, after: -1, flag: true });
    expect(params.get('limit')).toBe('20');
    expect(params.get('minSignificance')).toBe('42.5');
    expect(params.get('after')).toBe('-1');
    expect(params.get('flag')).toBe('true');
  });

  it('encodes values with reserved characters', () => {
    const params = toSearchParams({ label: ['team=payments'], q: 'DROP TABLE & friends' });
    expect(params.toString()).toBe('label=team%3Dpayments&q=DROP+TABLE+%26+friends');
    expect(new URLSearchParams(params.toString()).get('q')).toBe('DROP TABLE & friends');
  });

  it('keeps an empty string and zero (they are values, not absent)', () => {
    const params = toSearchParams({ q: '', limit: 0 });
    expect(params.toString()).toBe('q=&limit=0');
  });
});

describe('fromSearchParams(sessionListQuerySchema)', () => {
  it('applies the defaults to empty parameters', () => {
    const query = fromSearchParams(sessionListQuerySchema, new URLSearchParams());
    expect(query).toStrictEqual({ sort: 'recent', limit: 50, count: 'capped' });
  });

  it('reads repeated list keys as arrays', () => {
    const query = fromSearchParams(
      sessionListQuerySchema,
      new URLSearchParams('status=active&status=ended&actorType=agent&actorType=human'),
    );
    expect(query.status).toEqual(['active', 'ended']);
    expect(query.actorType).toEqual(['agent', 'human']);
  });

  it('reads a single value of a list key as a one-element array', () => {
    const query = fromSearchParams(sessionListQuerySchema, new URLSearchParams('status=active'));
    expect(query.status).toEqual(['active']);
    const labels = fromSearchParams(
      sessionListQuerySchema,
      new URLSearchParams('label=team%3Dpay'),
    );
    expect(labels.label).toEqual(['team=pay']);
  });

  it('reads entity and reason filters as lists, and refuses unknown entity kinds', () => {
    const query = fromSearchParams(
      sessionListQuerySchema,
      new URLSearchParams(
        'entity=credential%3Ask-live-...9F2A&entity=file%3A%2Fsrv%2Fapp%2F.env&reason=shared_credential',
      ),
    );
    expect(query.entity).toEqual(['credential:sk-live-...9F2A', 'file:/srv/app/.env']);
    expect(query.reason).toEqual(['shared_credential']);
    expect(sessionListQuerySchema.safeParse({ entity: ['planet:mars'] }).success).toBe(false);
    expect(sessionListQuerySchema.safeParse({ entity: ['host:'] }).success).toBe(false);
    expect(sessionListQuerySchema.safeParse({ reason: ['Shared Credential'] }).success).toBe(false);
  });

  it('coerces numbers', () => {
    const query = fromSearchParams(
      sessionListQuerySchema,
      new URLSearchParams('limit=20&minSignificance=42.5'),
    );
    expect(query.limit).toBe(20);
    expect(query.minSignificance).toBe(42.5);
  });

  it('reads a non-list key given twice as its first value', () => {
    const query = fromSearchParams(
      sessionListQuerySchema,
      new URLSearchParams('limit=20&limit=30'),
    );
    expect(query.limit).toBe(20);
  });

  it('drops unknown parameters', () => {
    const query = fromSearchParams(sessionListQuerySchema, new URLSearchParams('utm_source=mail'));
    expect(query).toStrictEqual({ sort: 'recent', limit: 50, count: 'capped' });
  });

  it('round trips a full query with from/to through toSearchParams', () => {
    const query: SessionListQuery = {
      user: ['alice@example.com', 'agent_claude_code_7f3a'],
      actorType: ['agent', 'human'],
      resource: ['billing-db'],
      type: ['database', 'ssh'],
      environment: ['production', 'staging'],
      status: ['active', 'ended', 'revoked'],
      label: ['team=payments', 'ticket=OPS-1234'],
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-25T06:19:32.123+01:00',
      q: 'DELETE FROM invoices',
      minSignificance: 40,
      sort: 'significance',
      cursor: 'eyJzdGFydGVkQXQiOiIyMDI2LTExLTI1In0=',
      limit: 20,
      count: 'exact',
    };
    const params = toSearchParams(query);
    expect(params.getAll('status')).toEqual(['active', 'ended', 'revoked']);
    const parsed = fromSearchParams(sessionListQuerySchema, new URLSearchParams(params.toString()));
    expect(parsed).toStrictEqual(query);
  });

  it('round trips a query with a period preset', () => {
    const query: SessionListQuery = {
      environment: ['production'],
      period: '7d',
      sort: 'recent',
      limit: 50,
      count: 'none',
    };
    const parsed = fromSearchParams(sessionListQuerySchema, toSearchParams(query));
    expect(parsed).toStrictEqual(query);
  });

  it('throws a ZodError naming the list parameter and its position', () => {
    const error = zodErrorOf(() =>
      fromSearchParams(sessionListQuerySchema, new URLSearchParams('status=active&status=closed')),
    );
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toEqual(['status', 1]);
  });

  it('names position 0 for a single bad list value', () => {
    const error = zodErrorOf(() =>
      fromSearchParams(sessionListQuerySchema, new URLSearchParams('status=closed')),
    );
    expect(error.issues[0]?.path).toEqual(['status', 0]);
    expect(error.issues[0]?.message).toContain('pending_review');
  });

  it('names the parameter of a bad number', () => {
    const error = zodErrorOf(() =>
      fromSearchParams(sessionListQuerySchema, new URLSearchParams('limit=many')),
    );
    expect(error.issues.map((i) => i.path)).toEqual([['limit']]);
  });

  it('rejects an upper-case environment and a bad label filter', () => {
    const error = zodErrorOf(() =>
      fromSearchParams(
        sessionListQuerySchema,
        new URLSearchParams('environment=production&environment=Staging&label=team'),
      ),
    );
    expect(error.issues.map((i) => i.path)).toEqual([
      ['environment', 1],
      ['label', 0],
    ]);
  });

  it('rejects limit 0 and 501 and accepts 1 and 500', () => {
    expect(
      zodErrorOf(() => fromSearchParams(sessionListQuerySchema, new URLSearchParams('limit=0')))
        .issues[0]?.path,
    ).toEqual(['limit']);
    expect(
      zodErrorOf(() => fromSearchParams(sessionListQuerySchema, new URLSearchParams('limit=501')))
        .issues[0]?.path,
    ).toEqual(['limit']);
    expect(fromSearchParams(sessionListQuerySchema, new URLSearchParams('limit=1')).limit).toBe(1);
    expect(fromSearchParams(sessionListQuerySchema, new URLSearchParams('limit=500')).limit).toBe(
      500,
    );
  });

  it('rejects a fractional limit', () => {
    expect(sessionListQuerySchema.safeParse({ limit: '20.5' }).success).toBe(false);
  });

  it('rejects period combined with from', () => {
    const error = zodErrorOf(() =>
      fromSearchParams(
        sessionListQuerySchema,
        new URLSearchParams('period=24h&from=2026-11-24T00:00:00Z'),
      ),
    );
    expect(error.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path: ['period'], message: 'cannot be combined with from/to' },
    ]);
  });

  it('rejects period combined with to', () => {
    const result = sessionListQuerySchema.safeParse({ period: '1h', to: '2026-11-25T00:00:00Z' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['period']]);
  });

  it('rejects from after to', () => {
    const result = sessionListQuerySchema.safeParse({
      from: '2026-11-25T00:00:00Z',
      to: '2026-11-24T00:00:00Z',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path: ['from'], message: 'must not be after to' },
    ]);
  });

  it('compares from and to as instants, not as strings', () => {
    // 10:00+02:00 is 08:00Z, before 09:00Z, although the string sorts after it.
    const ok = sessionListQuerySchema.safeParse({
      from: '2026-11-25T10:00:00+02:00',
      to: '2026-11-25T09:00:00Z',
    });
    expect(ok.success).toBe(true);
    // 08:00-02:00 is 10:00Z, after 09:00Z, although the string sorts before it.
    const bad = sessionListQuerySchema.safeParse({
      from: '2026-11-25T08:00:00-02:00',
      to: '2026-11-25T09:00:00Z',
    });
    expect(bad.success).toBe(false);
  });

  it('accepts from equal to to, and from or to alone', () => {
    const t = '2026-11-25T00:00:00Z';
    expect(sessionListQuerySchema.safeParse({ from: t, to: t }).success).toBe(true);
    expect(sessionListQuerySchema.safeParse({ from: t }).success).toBe(true);
    expect(sessionListQuerySchema.safeParse({ to: t }).success).toBe(true);
  });

  it('rejects from without a time zone', () => {
    const error = zodErrorOf(() =>
      fromSearchParams(sessionListQuerySchema, new URLSearchParams('from=2026-11-25T00:00:00')),
    );
    expect(error.issues.map((i) => i.path)).toEqual([['from']]);
  });

  it('rejects an unknown period, sort and count mode', () => {
    const result = sessionListQuerySchema.safeParse({ period: '2d', sort: 'oldest', count: 'all' });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['period'], ['sort'], ['count']]);
  });

  it('rejects minSignificance outside 0..100', () => {
    expect(sessionListQuerySchema.safeParse({ minSignificance: '101' }).success).toBe(false);
    expect(sessionListQuerySchema.safeParse({ minSignificance: '-1' }).success).toBe(false);
    expect(sessionListQuerySchema.safeParse({ minSignificance: 'high' }).success).toBe(false);
  });

  it('rejects more than 100 values of a list parameter', () => {
    const params = new URLSearchParams();
    for (let i = 0; i < 101; i++) params.append('user', `user${i}`);
    const error = zodErrorOf(() => fromSearchParams(sessionListQuerySchema, params));
    expect(error.issues.map((i) => i.path)).toEqual([['user']]);
  });

  it('rejects an empty q', () => {
    const error = zodErrorOf(() =>
      fromSearchParams(sessionListQuerySchema, new URLSearchParams('q=')),
    );
    expect(error.issues.map((i) => i.path)).toEqual([['q']]);
  });
});

describe('sessionExportQuerySchema', () => {
  it('defaults the format to ndjson and reads list keys', () => {
    const query = fromSearchParams(
      sessionExportQuerySchema,
      new URLSearchParams('status=ended&period=30d'),
    );
    expect(query).toStrictEqual({ status: ['ended'], period: '30d', format: 'ndjson' });
  });

  it('round trips a csv export query', () => {
    const query: SessionExportQuery = {
      resource: ['billing-db'],
      environment: ['production'],
      from: '2026-11-01T00:00:00Z',
      to: '2026-12-01T00:00:00Z',
      format: 'csv',
    };
    expect(fromSearchParams(sessionExportQuerySchema, toSearchParams(query))).toStrictEqual(query);
  });

  it('checks the period like the list', () => {
    const result = sessionExportQuerySchema.safeParse({
      period: '24h',
      from: '2026-11-25T00:00:00Z',
    });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['period']]);
    expect(sessionExportQuerySchema.safeParse({ format: 'xlsx' }).success).toBe(false);
  });
});

describe('fromSearchParams(eventListQuerySchema)', () => {
  it('applies the default limit', () => {
    expect(fromSearchParams(eventListQuerySchema, new URLSearchParams())).toStrictEqual({
      limit: 200,
    });
  });

  it('coerces after, including -1', () => {
    expect(fromSearchParams(eventListQuerySchema, new URLSearchParams('after=-1')).after).toBe(-1);
    expect(fromSearchParams(eventListQuerySchema, new URLSearchParams('after=41')).after).toBe(41);
  });

  it('reads a single type as a one-element array', () => {
    const query = fromSearchParams(eventListQuerySchema, new URLSearchParams('type=command'));
    expect(query.type).toEqual(['command']);
  });

  it('round trips a full query', () => {
    const query: EventListQuery = { after: 41, limit: 1000, type: ['command', 'query', 'policy'] };
    expect(fromSearchParams(eventListQuerySchema, toSearchParams(query))).toStrictEqual(query);
  });

  it('rejects after below -1, a limit over 1000, and an unknown type with its position', () => {
    const error = zodErrorOf(() =>
      fromSearchParams(
        eventListQuerySchema,
        new URLSearchParams('after=-2&limit=1001&type=command&type=keystroke'),
      ),
    );
    expect(error.issues.map((i) => i.path)).toEqual([['after'], ['limit'], ['type', 1]]);
  });
});

describe('fromSearchParams(reviewListQuerySchema)', () => {
  it('applies the default limit', () => {
    expect(fromSearchParams(reviewListQuerySchema, new URLSearchParams())).toStrictEqual({
      limit: 50,
    });
  });

  it('reads status as a list and kind as a single value', () => {
    const query = fromSearchParams(
      reviewListQuerySchema,
      new URLSearchParams('status=pending&kind=command&kind=session'),
    );
    expect(query.status).toEqual(['pending']);
    expect(query.kind).toBe('command');
  });

  it('round trips a full query', () => {
    const query: ReviewListQuery = {
      status: ['pending', 'expired'],
      kind: 'session',
      sessionId,
      cursor: 'cursor-2',
      limit: 10,
    };
    expect(fromSearchParams(reviewListQuerySchema, toSearchParams(query))).toStrictEqual(query);
  });

  it('rejects a bad session id and an unknown status, naming them', () => {
    const error = zodErrorOf(() =>
      fromSearchParams(reviewListQuerySchema, new URLSearchParams('status=denied&sessionId=abc')),
    );
    expect(error.issues.map((i) => i.path)).toEqual([['status', 0], ['sessionId']]);
  });

  it('rejects limit 0 and 501', () => {
    expect(reviewListQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
    expect(reviewListQuerySchema.safeParse({ limit: '501' }).success).toBe(false);
  });
});

describe('labelFilterSchema', () => {
  it('accepts key=value, an empty value and a value containing =', () => {
    expect(labelFilterSchema.safeParse('team=payments').success).toBe(true);
    expect(labelFilterSchema.safeParse('team=').success).toBe(true);
    expect(labelFilterSchema.safeParse('query=a=b').success).toBe(true);
  });

  it('rejects a bare key, an empty key and a key with spaces', () => {
    expect(labelFilterSchema.safeParse('team').error?.issues[0]?.message).toBe('must be key=value');
    expect(labelFilterSchema.safeParse('=payments').success).toBe(false);
    expect(labelFilterSchema.safeParse('cost center=1').success).toBe(false);
  });
});

describe('periods and counts', () => {
  it('has a duration for every preset', () => {
    expect(Object.keys(PERIOD_MS)).toEqual([...PERIOD_PRESETS]);
    expect(PERIOD_MS['1h']).toBe(60 * 60 * 1000);
    expect(PERIOD_MS['24h']).toBe(24 * PERIOD_MS['1h']);
    expect(PERIOD_MS['90d']).toBe(90 * PERIOD_MS['24h']);
  });

  it('accepts the count shapes of every mode', () => {
    expect(countSchema.safeParse({ mode: 'exact', value: 12, capped: false }).success).toBe(true);
    expect(countSchema.safeParse({ mode: 'capped', value: 1000, capped: true }).success).toBe(true);
    expect(countSchema.safeParse({ mode: 'none', value: null, capped: false }).success).toBe(true);
    expect(countSchema.safeParse({ mode: 'exact', value: -1, capped: false }).success).toBe(false);
  });
});
