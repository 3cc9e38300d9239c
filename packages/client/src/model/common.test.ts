import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  boundedJson,
  eventIdSchema,
  jsonDepthOver,
  labelsSchema,
  MAX_JSON_DEPTH,
  MAX_SEQ,
  NO_NUL_MESSAGE,
  nonNegativeInt,
  orgIdSchema,
  plainText,
  reviewIdSchema,
  seqSchema,
  sessionIdSchema,
  timestampSchema,
} from './common';
import { fingerprintSchema } from './credential';
import { environmentSchema } from './resource';

describe('id schemas', () => {
  it('accept their documented examples', () => {
    expect(sessionIdSchema.safeParse('sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V').success).toBe(true);
    expect(reviewIdSchema.safeParse('rev_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V').success).toBe(true);
    expect(eventIdSchema.safeParse('evt_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V').success).toBe(true);
  });

  it('reject a session id with another prefix, a lower-case ULID or a ULID of the wrong length', () => {
    for (const id of [
      'session_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V',
      'rev_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V',
      'sess_01jd5z8q7y3m4n5p6q7r8s9t0v',
      'sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0',
      'sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0VV',
      ' sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V',
    ]) {
      const result = sessionIdSchema.safeParse(id);
      expect(result.success, id).toBe(false);
      expect(result.error?.issues[0]?.message).toBe('must be "sess_" followed by a ULID');
    }
  });

  it('reject the letters I, L, O and U, which ULIDs do not use', () => {
    for (const letter of ['I', 'L', 'O', 'U']) {
      expect(sessionIdSchema.safeParse(`sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0${letter}`).success).toBe(
        false,
      );
    }
  });

  it('allow producer-chosen event ids but not spaces or slashes', () => {
    expect(eventIdSchema.safeParse('recorder-1:batch.7_42').success).toBe(true);
    expect(eventIdSchema.safeParse('evt/1').success).toBe(false);
    expect(eventIdSchema.safeParse('evt 1').success).toBe(false);
  });

  it('reject an empty org id', () => {
    expect(orgIdSchema.safeParse('').success).toBe(false);
    expect(orgIdSchema.safeParse('org_acme').success).toBe(true);
  });
});

describe('timestampSchema', () => {
  it('accepts UTC and offset timestamps', () => {
    for (const t of [
      '2026-11-25T06:19:32Z',
      '2026-11-25T06:19:32.123Z',
      '2026-11-25T07:19:32.123+01:00',
      '2026-11-24T22:19:32-08:00',
    ]) {
      expect(timestampSchema.safeParse(t).success, t).toBe(true);
    }
  });

  it('rejects a timestamp without a zone, a date only and other formats', () => {
    for (const t of [
      '2026-11-25T06:19:32',
      '2026-11-25T06:19:32.123',
      '2026-11-25',
      '2026-11-25 06:19:32Z',
      'Wed, 25 Nov 2026 06:19:32 GMT',
      '1795587572123',
    ]) {
      const result = timestampSchema.safeParse(t);
      expect(result.success, t).toBe(false);
      expect(result.error?.issues[0]?.code).toBe('invalid_format');
    }
  });

  it('rejects a number', () => {
    expect(timestampSchema.safeParse(1795587572123).success).toBe(false);
  });
});

describe('labelsSchema', () => {
  it('accepts Kubernetes-like keys', () => {
    const labels = { team: 'payments', 'app.kubernetes.io/name': 'billing', ticket_id: 'OPS-1234' };
    expect(labelsSchema.parse(labels)).toStrictEqual(labels);
    expect(labelsSchema.parse({})).toStrictEqual({});
  });

  it('rejects a key with spaces and names the key', () => {
    const result = labelsSchema.safeParse({ team: 'payments', 'cost center': '42' });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.path).toEqual(['cost center']);
  });

  it('rejects an empty key, a key over 63 characters and a value over 256', () => {
    expect(labelsSchema.safeParse({ '': 'x' }).success).toBe(false);
    expect(labelsSchema.safeParse({ ['k'.repeat(64)]: 'x' }).success).toBe(false);
    expect(labelsSchema.safeParse({ ['k'.repeat(63)]: 'x' }).success).toBe(true);
    expect(labelsSchema.safeParse({ team: 'x'.repeat(257) }).success).toBe(false);
    expect(labelsSchema.safeParse({ team: 'x'.repeat(256) }).success).toBe(true);
  });

  it('rejects non-string values', () => {
    expect(labelsSchema.safeParse({ priority: 1 }).success).toBe(false);
  });
});

describe('nonNegativeInt', () => {
  it('accepts 0 and positive integers only', () => {
    const schema = nonNegativeInt();
    expect(schema.safeParse(0).success).toBe(true);
    expect(schema.safeParse(42).success).toBe(true);
    expect(schema.safeParse(-1).success).toBe(false);
    expect(schema.safeParse(0.5).success).toBe(false);
    expect(schema.safeParse(Number.NaN).success).toBe(false);
    expect(schema.safeParse(Number.POSITIVE_INFINITY).success).toBe(false);
  });
});

describe('documented examples', () => {
  it('pass their own schemas', () => {
    for (const schema of [
      sessionIdSchema,
      reviewIdSchema,
      eventIdSchema,
      timestampSchema,
      labelsSchema,
      fingerprintSchema,
      environmentSchema,
    ] as z.ZodType[]) {
      const example = z.globalRegistry.get(schema)?.example;
      expect(example).toBeDefined();
      expect(schema.safeParse(example).success, JSON.stringify(example)).toBe(true);
    }
  });
});

describe('what both stores hold', () => {
  it('plainText refuses U+0000 and lone surrogates, and keeps paired ones', () => {
    const name = plainText(16);
    expect(name.safeParse('billing-db').success).toBe(true);
    expect(name.safeParse('emoji \ud83d\ude00').success).toBe(true);
    expect(name.safeParse('a\u0000b').error?.issues[0]?.message).toBe(NO_NUL_MESSAGE);
    expect(name.safeParse('half \ud83d').error?.issues[0]?.message).toMatch(/well-formed/);
    expect(name.safeParse('\ude00 low first').success).toBe(false);
    expect(name.safeParse('x'.repeat(17)).success).toBe(false);
  });

  it('seq goes from 0 to 2^31 − 1', () => {
    expect(seqSchema().safeParse(0).success).toBe(true);
    expect(seqSchema().safeParse(MAX_SEQ).success).toBe(true);
    expect(seqSchema().safeParse(MAX_SEQ + 1).success).toBe(false);
    expect(seqSchema().safeParse(-1).success).toBe(false);
  });

  it('boundedJson measures depth without recursion, and size as JSON', () => {
    // Deeper than any call stack: built and walked iteratively.
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonDepthOver(deep, MAX_JSON_DEPTH)).toBe(true);
    let atLimit: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH; i++) atLimit = { a: atLimit };
    expect(jsonDepthOver(atLimit, MAX_JSON_DEPTH)).toBe(false);
    expect(jsonDepthOver({ a: atLimit }, MAX_JSON_DEPTH)).toBe(true);
    const field = boundedJson(20, z.unknown());
    expect(field.safeParse(deep).error?.issues[0]?.message).toBe(
      `is nested more than ${MAX_JSON_DEPTH} levels deep`,
    );
    expect(field.safeParse(atLimit).error?.issues[0]?.message).toMatch(/characters as JSON/);
    expect(field.safeParse({ sql: 'SELECT 1' }).success).toBe(true);
  });
});
