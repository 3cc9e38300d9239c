import { z } from 'zod';
import { nonNegativeInt, plainText, sessionIdSchema, timestampSchema } from './common';
import { ENTITY_KINDS } from './entities';
import { cursorSchema } from './query';
import { sessionSchema, sessionStatusSchema } from './session';

export const entityKindSchema = z.enum(ENTITY_KINDS).meta({
  id: 'EntityKind',
  description:
    'actor, credential (its masked fingerprint), endpoint (host or IP the session came from), resource, file, table, host (an outbound host), model.',
});

/** An entity key as the path of `GET /v1/entities/{kind}/{key}` carries it (URL-encoded). */
export const entityKeySchema = plainText(1024).min(1).meta({
  id: 'EntityKey',
  description:
    'The normalised key: actor id, masked fingerprint, endpoint lowercased, resource name, absolute file path, lowercased schema.table, lowercased hostname, model name.',
  example: 'sk-ant-...A3F2',
});

/**
 * How far an entity can be trusted, from the org's index: `shared`, a credential or endpoint
 * used by several actors; `unknown`, an actor with no identity (no email, nor a person it acts
 * for) or an endpoint that is a bare IP address; `new`, first seen in the org in this session;
 * `known`, seen before. The first that applies, in that order.
 */
export const trustLevelSchema = z
  .enum(['known', 'new', 'unknown', 'shared'])
  .meta({ id: 'TrustLevel' });

export const entitySummarySchema = z
  .object({
    id: z.string().meta({ description: "`kind:key`, as in reasons' evidence." }),
    kind: entityKindSchema,
    key: z.string(),
    label: z.string().meta({ description: "What to show (a credential's name, a file path)." }),
    firstAt: timestampSchema,
    lastAt: timestampSchema,
    firstSessionId: sessionIdSchema.meta({ description: 'The session it was first seen in.' }),
    sessions: nonNegativeInt().meta({ description: 'Sessions of the org that involve it.' }),
    actors: nonNegativeInt().meta({ description: 'Actors of the org that used it.' }),
  })
  .meta({ id: 'EntitySummary', description: "One entity of the org's index." });

export const entityActorSchema = z
  .object({
    actorId: z.string(),
    firstAt: timestampSchema,
    firstSessionId: sessionIdSchema,
    sessions: nonNegativeInt(),
  })
  .meta({ id: 'EntityActor', description: 'An actor that used an entity, since when.' });

export const entitySessionSchema = z
  .object({
    session: sessionSchema,
    firstAt: timestampSchema.meta({ description: 'When the session first involved the entity.' }),
    lastAt: timestampSchema,
    firstEventId: z.string().meta({ description: 'The event that first involved it.' }),
    events: nonNegativeInt().meta({ description: 'Events of the session that involve it.' }),
    ops: z
      .array(z.string())
      .meta({ description: 'What the session did with it: read, write, create, delete, call...' }),
  })
  .meta({ id: 'EntitySession' });

export const entityQuerySchema = z
  .object({
    cursor: cursorSchema,
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .meta({ id: 'EntityQuery' });

/** Most actors an entity answer lists (`actors.more` counts the rest). */
export const ENTITY_ACTORS_SHOWN = 50;

export const entityDetailSchema = z
  .object({
    entity: entitySummarySchema,
    actors: z
      .object({
        data: z.array(entityActorSchema).meta({ description: 'First seen first.' }),
        more: nonNegativeInt().meta({ description: 'Actors not listed.' }),
      })
      .meta({ description: `At most ${ENTITY_ACTORS_SHOWN}, first seen first.` }),
    sessions: z
      .object({
        data: z.array(entitySessionSchema),
        nextCursor: z
          .string()
          .nullable()
          .meta({ description: 'Pass as `cursor` for the next page; null at the end.' }),
      })
      .meta({ description: 'The sessions that involve it, newest session start first.' }),
  })
  .meta({ id: 'EntityDetail' });

/** A node of a session's map: an entity, with its counts and how far it can be trusted. */
export const relationshipNodeSchema = entitySummarySchema
  .extend({
    trust: trustLevelSchema,
    events: nonNegativeInt().meta({
      description: 'Events of this session that involve it (0 for a node of another session).',
    }),
    ops: z.array(z.string()),
  })
  .meta({ id: 'RelationshipNode' });

/** Most nodes of a group (and sessions of a lane); `more` counts the rest. */
export const RELATIONSHIP_GROUP_CAP = 8;

export const relationshipGroupSchema = z
  .object({
    nodes: z.array(relationshipNodeSchema),
    more: nonNegativeInt().meta({ description: 'Nodes of the group not listed ("N more").' }),
  })
  .meta({
    id: 'RelationshipGroup',
    description: `At most ${RELATIONSHIP_GROUP_CAP} nodes, most events first.`,
  });

export const laneSessionSchema = z
  .object({
    sessionId: sessionIdSchema,
    actorId: z.string(),
    startedAt: timestampSchema,
    status: sessionStatusSchema,
    score: z.number(),
  })
  .meta({ id: 'LaneSession' });

/** Others on one of the session's anchors (its credential or endpoint). */
export const sharedLaneSchema = z
  .object({
    anchor: relationshipNodeSchema,
    actors: relationshipGroupSchema.meta({ description: 'Other actors that used the anchor.' }),
    sessions: z.object({
      data: z.array(laneSessionSchema).meta({ description: 'Newest first.' }),
      more: nonNegativeInt(),
    }),
  })
  .meta({ id: 'SharedLane' });

export const sessionRelationshipsSchema = z
  .object({
    sessionId: sessionIdSchema,
    identity: relationshipGroupSchema.meta({
      description: 'Identity anchors: the actor, the endpoint, the credential.',
    }),
    lanes: z.array(sharedLaneSchema).meta({
      description:
        'Shared lanes: other actors and sessions on the same credential or endpoint (one lane per anchor that others used too).',
    }),
    context: relationshipGroupSchema.meta({
      description: 'Company context: resources, tables and files the session touched.',
    }),
    outbound: relationshipGroupSchema.meta({
      description: 'Outbound paths: hosts called and models used.',
    }),
  })
  .meta({
    id: 'SessionRelationships',
    description: 'The graph around one session, in its org only.',
  });

export type TrustLevel = z.infer<typeof trustLevelSchema>;
export type EntitySummary = z.infer<typeof entitySummarySchema>;
export type EntityActor = z.infer<typeof entityActorSchema>;
export type EntitySession = z.infer<typeof entitySessionSchema>;
export type EntityQuery = z.infer<typeof entityQuerySchema>;
export type EntityParams = z.input<typeof entityQuerySchema>;
export type EntityDetail = z.infer<typeof entityDetailSchema>;
export type RelationshipNode = z.infer<typeof relationshipNodeSchema>;
export type RelationshipGroup = z.infer<typeof relationshipGroupSchema>;
export type LaneSession = z.infer<typeof laneSessionSchema>;
export type SharedLane = z.infer<typeof sharedLaneSchema>;
export type SessionRelationships = z.infer<typeof sessionRelationshipsSchema>;
