import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  eventIdSchema,
  labelsSchema,
  nonNegativeInt,
  orgIdSchema,
  reviewIdSchema,
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
