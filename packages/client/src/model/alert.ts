import { z } from 'zod';
import { alertIdSchema, orgIdSchema, plainText, sessionIdSchema, timestampSchema } from './common';
import { checkPeriod, sessionFiltersSchema } from './query';
import { sessionSchema } from './session';

/** How long a delivery is retried before it is given up (24 hours). */
export const ALERT_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Where an alert's webhooks go: an http(s) URL. */
export const webhookUrlSchema = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute http or https URL')
  // A password in the URL would be kept, listed and echoed in delivery errors (and fetch refuses
  // such URLs): receivers authenticate the signature instead.
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.username === '' && url.password === '';
    } catch {
      return true;
    }
  }, 'must not carry a user name or password (the signature authenticates deliveries)')
  .meta({ id: 'WebhookUrl', format: 'uri', example: 'https://hooks.example.com/auditlane' });

const alertNameSchema = plainText(200).min(1);

/**
 * What an alert saves: the filters of the sessions list on their own, refusing any other key
 * (`sessionConditions` on the server reads the same fields, so every list filter works there).
 */
export const alertQuerySchema = sessionFiltersSchema
  .strict()
  .superRefine(checkPeriod)
  .meta({ id: 'AlertQuery' });

/**
 * A saved search of the sessions list that sends a webhook when a session newly matches it: each
 * session once, the first time a change to it (its events, its status, its score) makes it match.
 */
export const alertSchema = z
  .object({
    id: alertIdSchema,
    org: orgIdSchema,
    name: alertNameSchema,
    query: alertQuerySchema.meta({
      description:
        'The filters of the sessions list (GET /v1/sessions) the alert saves, with list filters as arrays.',
    }),
    url: webhookUrlSchema,
    enabled: z
      .boolean()
      .meta({ description: 'A disabled alert matches nothing and sends nothing.' }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'Alert' });

/** The alert as created, with its signing secret: shown this once, never again. */
export const alertCreatedSchema = alertSchema
  .extend({
    secret: z.string().meta({
      description:
        'The Standard Webhooks signing secret (`whsec_` + base64): verify each delivery with it. Shown only in this response.',
      example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    }),
  })
  .meta({ id: 'AlertCreated' });

export const createAlertSchema = z
  .object({
    name: alertNameSchema,
    query: alertQuerySchema,
    url: webhookUrlSchema,
    enabled: z.boolean().optional().meta({ description: 'Default true.' }),
  })
  .strict()
  .meta({ id: 'CreateAlert' });

export const updateAlertSchema = z
  .object({
    name: alertNameSchema.optional(),
    query: alertQuerySchema.optional().meta({
      description:
        'A new query. Sessions that already fired keep their delivery; a session fires once per alert whatever the query becomes.',
    }),
    url: webhookUrlSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one of name, query, url, enabled')
  .meta({ id: 'UpdateAlert' });

export const alertPageSchema = z
  .object({ data: z.array(alertSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AlertPage' });

export const alertEventTypeSchema = z
  .enum(['alert.matched', 'alert.test'])
  .meta({ id: 'AlertEventType' });

export const alertDeliveryStatusSchema = z.enum(['pending', 'delivered', 'failed']).meta({
  id: 'AlertDeliveryStatus',
  description:
    'pending: not yet answered with a 2xx, retried with backoff; delivered: a 2xx answered; failed: given up (24 hours of retries), or its alert was deleted.',
});

/** One webhook message of an alert and what became of it: the delivery log. */
export const alertDeliverySchema = z
  .object({
    id: z.string().meta({
      description:
        'The message id, sent as `webhook-id` on every attempt: the receiver deduplicates with it.',
      example: 'msg_2b8f0c1de4a7b9c3f1e2d4a6',
    }),
    alertId: alertIdSchema,
    type: alertEventTypeSchema,
    sessionId: sessionIdSchema.nullable().meta({ description: 'null for a test delivery.' }),
    status: alertDeliveryStatusSchema,
    attempts: z.number().int().nonnegative(),
    createdAt: timestampSchema,
    lastAttemptAt: timestampSchema.nullable(),
    nextAttemptAt: timestampSchema
      .nullable()
      .meta({ description: 'When the next attempt is due; null once delivered or failed.' }),
    responseStatus: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The HTTP status of the last attempt; null when none was answered.' }),
    lastError: z
      .string()
      .nullable()
      .meta({ description: 'Why the last attempt failed, or why the delivery was given up.' }),
    deliveredAt: timestampSchema.nullable(),
  })
  .meta({ id: 'AlertDelivery' });

export const alertDeliveryPageSchema = z
  .object({ data: z.array(alertDeliverySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AlertDeliveryPage' });

const cursorSchema = plainText(1024)
  .min(1)
  .optional()
  .meta({ description: 'The nextCursor of the previous page, unchanged.' });

export const alertListQuerySchema = z
  .object({
    cursor: cursorSchema,
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .meta({ id: 'AlertListQuery' });

export const alertDeliveryListQuerySchema = z
  .object({
    status: z.array(alertDeliveryStatusSchema).max(3).optional(),
    cursor: cursorSchema,
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .meta({ id: 'AlertDeliveryListQuery' });

/** The body of a webhook message (Standard Webhooks: `type`, `timestamp`, `data`). */
export const alertEventSchema = z
  .object({
    type: alertEventTypeSchema,
    timestamp: timestampSchema.meta({ description: 'When the message was created.' }),
    data: z.object({
      alert: z.object({ id: alertIdSchema, name: z.string() }),
      session: sessionSchema
        .nullable()
        .meta({ description: 'The session as it was when it matched; null for a test.' }),
    }),
  })
  .meta({ id: 'AlertEvent' });

export type AlertQuery = z.infer<typeof alertQuerySchema>;
export type AlertQueryParams = z.input<typeof alertQuerySchema>;
export type Alert = z.infer<typeof alertSchema>;
export type AlertCreated = z.infer<typeof alertCreatedSchema>;
export type CreateAlert = z.input<typeof createAlertSchema>;
export type UpdateAlert = z.input<typeof updateAlertSchema>;
export type AlertPage = z.infer<typeof alertPageSchema>;
export type AlertEventType = z.infer<typeof alertEventTypeSchema>;
export type AlertDeliveryStatus = z.infer<typeof alertDeliveryStatusSchema>;
export type AlertDelivery = z.infer<typeof alertDeliverySchema>;
export type AlertDeliveryPage = z.infer<typeof alertDeliveryPageSchema>;
export type AlertListQuery = z.infer<typeof alertListQuerySchema>;
export type AlertListParams = z.input<typeof alertListQuerySchema>;
export type AlertDeliveryListQuery = z.infer<typeof alertDeliveryListQuerySchema>;
export type AlertDeliveryListParams = z.input<typeof alertDeliveryListQuerySchema>;
export type AlertEvent = z.infer<typeof alertEventSchema>;
