import { z } from 'zod';
import { plainText } from './common';

export const actorTypeSchema = z.enum(['human', 'agent', 'service']).meta({
  id: 'ActorType',
  description: 'Who acted: a person, an AI agent, or a service account.',
});

export const agentInfoSchema = z
  .object({
    name: plainText(128).min(1).meta({ example: 'Claude Code' }),
    version: plainText(64).min(1).optional().meta({ example: '1.2.0' }),
  })
  .meta({ id: 'AgentInfo' });

export const actorSchema = z
  .object({
    type: actorTypeSchema,
    id: plainText(256).min(1).meta({ description: 'Stable id of the actor in the host product.' }),
    email: z.email().max(254).optional(),
    name: plainText(256).min(1).optional(),
    agent: agentInfoSchema.optional().meta({ description: 'Required when type is "agent".' }),
    onBehalfOf: plainText(256).min(1).optional().meta({
      description: 'For agents and services: the id of the human they act for, when known.',
    }),
  })
  .superRefine((actor, ctx) => {
    if (actor.type === 'agent' && !actor.agent) {
      ctx.addIssue({
        code: 'custom',
        path: ['agent'],
        message: 'is required when type is "agent"',
      });
    }
  })
  .meta({ id: 'Actor' });

export type ActorType = z.infer<typeof actorTypeSchema>;
export type AgentInfo = z.infer<typeof agentInfoSchema>;
export type Actor = z.infer<typeof actorSchema>;
