import { z } from 'zod';

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';

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
  .meta({ description: 'Tenant (organisation) id.' });

/** Key/value labels, like Kubernetes labels. */
export const labelsSchema = z
  .record(
    z
      .string()
      .min(1)
      .max(63)
      .regex(/^[A-Za-z0-9_./-]+$/, 'label keys may only contain letters, digits and _ . / -'),
    z.string().max(256),
  )
  .meta({ id: 'Labels', example: { team: 'payments', ticket: 'OPS-1234' } });

export const nonNegativeInt = () => z.number().int().nonnegative();
