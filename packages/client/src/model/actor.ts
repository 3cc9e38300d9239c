import { z } from 'zod';

export const actorTypeSchema = z.enum(['human', 'agent', 'service']).meta({
  id: 'ActorType',
  description: 'Who acted: a person, an AI agent, or a service account.',
});

export const agentInfoSchema = z
  .object({
    name: z.string().min(1).max(128).meta({ example: 'Claude Code' }),
    version: z.string().min(1).max(64).optional().meta({ example: '1.2.0' }),
  })
  .meta({ id: 'AgentInfo' });

export const actorSchema = z
  .object({
    type: actorTypeSchema,
    id: z
      .string()
      .min(1)
      .max(256)
      .meta({ description: 'Stable id of the actor in the host product.' }),
    email: z.email().optional(),
    name: z.string().min(1).max(256).optional(),
    agent: agentInfoSchema.optional().meta({ description: 'Required when type is "agent".' }),
    onBehalfOf: z.string().min(1).max(256).optional().meta({
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
