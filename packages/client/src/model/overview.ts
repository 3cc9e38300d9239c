import { z } from 'zod';
import { nonNegativeInt, sessionIdSchema, timestampSchema } from './common';
import { entityActorSchema, entitySummarySchema } from './entity';
import { checkPeriod, sessionFiltersSchema } from './query';
import { sessionSchema } from './session';

/** A session scoring this much or more is high-signal; below it, background. */
export const HIGH_SIGNAL_SCORE = 50;

/** The period an overview covers when the query names none. */
export const DEFAULT_OVERVIEW_PERIOD = '24h';

/**
 * The filters of the sessions list (they narrow the KPIs and the queue) and the period
 * (default 24h), and how many sessions the priority queue lists.
 */
export const overviewQuerySchema = sessionFiltersSchema
  .extend({
    queue: z.coerce
      .number()
      .int()
      .min(1)
      .max(50)
      .default(10)
      .meta({ description: 'Sessions in the priority queue.' }),
  })
  .superRefine(checkPeriod)
  .meta({ id: 'OverviewQuery' });

export const overviewKpisSchema = z
  .object({
    activeNow: nonNegativeInt().meta({
      description: 'Sessions still open (active, pending review, dropped), whenever they started.',
    }),
    sessions: nonNegativeInt().meta({ description: 'Sessions started in the period.' }),
    costUsd: z.number().nonnegative().meta({ description: 'LLM cost of those sessions.' }),
    actors: nonNegativeInt().meta({ description: 'Distinct actors of those sessions.' }),
    blocked: nonNegativeInt().meta({
      description: 'Of those sessions, the ones with an action blocked by policy.',
    }),
    waitingReviews: nonNegativeInt().meta({
      description: 'Reviews of the org still pending (not expired), whatever the filters.',
    }),
  })
  .meta({ id: 'OverviewKpis' });

export const priorityItemSchema = z
  .object({
    session: sessionSchema,
    score: z.number(),
    highSignal: z.boolean(),
    why: z.string().meta({
      description:
        'Why it matters, one line built from its reasons (the same reasons, the same line).',
      example: 'Active session of u_bob: 2 sensitive files touched; credential shared by 2 actors',
    }),
  })
  .meta({ id: 'PriorityItem' });

export const sharedCredentialLinkSchema = z
  .object({
    credential: entitySummarySchema,
    actors: z.array(entityActorSchema).meta({ description: 'At most 8, first seen first.' }),
  })
  .meta({ id: 'SharedCredentialLink' });

export const unknownActorLinkSchema = z
  .object({
    actorId: z.string(),
    sessionIds: z.array(sessionIdSchema).meta({ description: 'Its sessions in the queue.' }),
  })
  .meta({ id: 'UnknownActorLink' });

export const modelLinkSchema = z
  .object({
    model: entitySummarySchema,
    costUsd: z.number().nonnegative().nullable().meta({
      description:
        'Cost recorded against the model in the index; null while the index keeps none per model.',
    }),
  })
  .meta({ id: 'ModelLink' });

export const overviewLinksSchema = z
  .object({
    sharedCredentials: z.array(sharedCredentialLinkSchema).meta({
      description: 'Credentials used by several actors, used in the period.',
    }),
    unknownActors: z.array(unknownActorLinkSchema).meta({
      description: 'Actors of the scored sessions named as unknown or weakly attributed.',
    }),
    sharedContext: z.array(entitySummarySchema).meta({
      description: 'Files and tables touched by several sessions, touched in the period.',
    }),
    newHosts: z.array(entitySummarySchema).meta({
      description: 'Outbound hosts first seen in the org in the period.',
    }),
    models: z.array(modelLinkSchema).meta({ description: 'Models used in the period.' }),
  })
  .meta({
    id: 'OverviewLinks',
    description: 'Cross-entity links of the org over the period, at most 8 of each.',
  });

export const operatorBriefSchema = z
  .object({
    text: z.string().meta({
      example:
        '2 sessions matter now: one active session widened into sensitive files, and one ended session still explains the unknown-key activity.',
    }),
    sentences: z.array(z.string()).min(1).max(4),
    sessionIds: z
      .array(sessionIdSchema)
      .meta({ description: 'The sessions the brief speaks of, in the order it does.' }),
  })
  .meta({
    id: 'OperatorBrief',
    description: 'One to four sentences written from the facts by fixed templates (no model).',
  });

export const overviewSchema = z
  .object({
    period: z.object({ from: timestampSchema, to: timestampSchema.nullable() }),
    kpis: overviewKpisSchema,
    signal: z
      .object({
        threshold: z.number(),
        high: nonNegativeInt(),
        background: nonNegativeInt(),
      })
      .meta({ description: `High-signal: score ≥ threshold (${HIGH_SIGNAL_SCORE}).` }),
    queue: z.array(priorityItemSchema).meta({ description: 'Highest score first.' }),
    links: overviewLinksSchema,
    brief: operatorBriefSchema,
  })
  .meta({ id: 'Overview' });

export type OverviewQuery = z.infer<typeof overviewQuerySchema>;
export type OverviewParams = z.input<typeof overviewQuerySchema>;
export type OverviewKpis = z.infer<typeof overviewKpisSchema>;
export type PriorityItem = z.infer<typeof priorityItemSchema>;
export type OverviewLinks = z.infer<typeof overviewLinksSchema>;
export type OperatorBrief = z.infer<typeof operatorBriefSchema>;
export type Overview = z.infer<typeof overviewSchema>;
