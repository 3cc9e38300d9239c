import { z } from 'zod';
import { jsonDepthOver, MAX_JSON_DEPTH } from './limits';

export { jsonDepthOver, MAX_JSON_DEPTH } from './limits';

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';

/** Matches strings without U+0000. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing U+0000 is the point.
export const NO_NUL = /^[^\u0000]*$/;
export const NO_NUL_MESSAGE = 'must not contain U+0000 (NUL)';

/** A UTF-16 surrogate without its pair: no UTF-8 text (nor PostgreSQL's JSONB) can hold it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when a string is well-formed Unicode (no lone surrogate, as a `\ud800` JSON escape gives). */
export const isWellFormed = (text: string) => !LONE_SURROGATE.test(text);
const WELL_FORMED_MESSAGE = 'must be well-formed Unicode (a lone surrogate is not)';

/**
 * A string the stores keep as a name, id, label, filter or session attribute: at most `max`
 * characters, never U+0000 and never a lone surrogate (PostgreSQL's text and JSONB cannot hold
 * them; refused the same way on both stores). Recorded content (terminal data, commands, SQL, JSON values) may hold U+0000: it is
 * stored JSON-escaped.
 */
export const plainText = (max: number) =>
  z.string().max(max).regex(NO_NUL, NO_NUL_MESSAGE).refine(isWellFormed, WELL_FORMED_MESSAGE);

/** `sess_` + a ULID: sortable by creation time. */
export const sessionIdSchema = z
  .string()
  .regex(new RegExp(`^sess_${ULID}$`), 'must be "sess_" followed by a ULID')
  .meta({ id: 'SessionId', example: 'sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V' });

/** `rev_` + a ULID. */
export const reviewIdSchema = z
  .string()
  .regex(new RegExp(`^rev_${ULID}$`), 'must be "rev_" followed by a ULID')
  .meta({ id: 'ReviewId', example: 'rev_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V' });

/** `alrt_` + a ULID: an alert (a saved search that sends webhooks). */
export const alertIdSchema = z
  .string()
  .regex(new RegExp(`^alrt_${ULID}$`), 'must be "alrt_" followed by a ULID')
  .meta({ id: 'AlertId', example: 'alrt_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V' });

/**
 * Idempotency id of an event, chosen by the producer (the recorder uses `evt_` + a ULID).
 * The server stores an event id once per org; a retried batch never duplicates.
 */
export const eventIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may only contain letters, digits and _ . : -')
  .meta({ id: 'EventId', example: 'evt_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V' });

/** ISO 8601 date-time with an offset (`2026-11-25T06:19:32.123Z`). */
export const timestampSchema = z.iso.datetime({ offset: true }).meta({
  description: 'ISO 8601 date-time with a time zone designator.',
  example: '2026-11-25T06:19:32.123Z',
});

export const orgIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(NO_NUL, NO_NUL_MESSAGE)
  .meta({ description: 'Tenant (organisation) id.' });

/** Key/value labels, like Kubernetes labels. */
export const labelsSchema = z
  .record(
    z
      .string()
      .min(1)
      .max(63)
      .regex(/^[A-Za-z0-9_./-]+$/, 'label keys may only contain letters, digits and _ . / -'),
    plainText(256),
  )
  .meta({ id: 'Labels', example: { team: 'payments', ticket: 'OPS-1234' } });

export const nonNegativeInt = () => z.number().int().nonnegative();

/**
 * Largest `seq` (and the integer ranges of the stores' 32-bit columns): 2^31 − 1. Both stores
 * hold every value up to it; a larger one is refused on ingest (400 naming the field).
 */
export const MAX_SEQ = 2_147_483_647;

/** A per-session sequence number, 0 to {@link MAX_SEQ}. */
export const seqSchema = () => z.number().int().min(0).max(MAX_SEQ);

/**
 * A JSON value of `schema`, at most {@link MAX_JSON_DEPTH} levels deep and `maxChars` characters
 * as JSON.
 * The depth is checked without recursion, so a value nested thousands of levels deep is refused
 * (with the field named) rather than overflowing the stack of whoever serialises it.
 */
export function boundedJson<T extends z.ZodType>(maxChars: number, schema: T) {
  return schema.superRefine((value, ctx) => {
    if (jsonDepthOver(value, MAX_JSON_DEPTH)) {
      ctx.addIssue({
        code: 'custom',
        message: `is nested more than ${MAX_JSON_DEPTH} levels deep`,
      });
      return;
    }
    const chars = JSON.stringify(value)?.length ?? 0;
    if (chars > maxChars) {
      ctx.addIssue({
        code: 'custom',
        message: `is ${chars} characters as JSON, more than ${maxChars}`,
      });
    }
  });
}
