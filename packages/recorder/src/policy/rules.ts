import { z } from 'zod';
import { recordingRuleSchema } from './recording';
import { SHELL_ACTIONS } from './shell-rules';
import type { SqlAction } from './sql';

export const SQL_ACTIONS = [
  'select',
  'insert',
  'update',
  'update_all',
  'delete',
  'delete_all',
  'merge',
  'drop',
  'drop_database',
  'truncate',
  'alter',
  'create',
  'grant',
  'revoke',
  'copy_program',
  'dynamic',
  'transaction',
  'other',
  'role',
  'copy_file',
  'side_effect',
  'user_function',
] as const satisfies readonly SqlAction[];

export const verdictSchema = z.enum(['allow', 'block', 'review', 'mask']);
export type PolicyVerdict = z.infer<typeof verdictSchema>;

const list = z.array(z.string().min(1)).min(1);

/**
 * One rule of a policy. Every condition given must hold (each list: any of its items), except
 * that the content conditions (sql, command, shell) hold when any of them does; a rule with no
 * content condition applies to every action in its scope.
 */
export const ruleSchema = z
  .object({
    id: z.string().min(1).max(256),
    description: z.string().max(2000).optional(),
    verdict: verdictSchema,
    reason: z.string().max(2000).optional(),
    match: z
      .object({
        /** SQL actions found anywhere in the statement: drop, truncate, delete_all, ... */
        sql: z.array(z.enum(SQL_ACTIONS)).min(1).optional(),
        /** Command patterns: program, subcommands, flags and arguments (`rm -rf /`, `kubectl delete`). */
        command: list.optional(),
        /** What commands do, read from their parsed words: delete_root, remote_code, ... */
        shell: z.array(z.enum(SHELL_ACTIONS)).min(1).optional(),
        /** Agent tool names (`Bash`, `mcp__*`). */
        tool: list.optional(),
        /** Environments; `production` also matches `prod`. */
        environment: list.optional(),
        /** Resource names (`*` wildcard). */
        resource: list.optional(),
        resourceType: list.optional(),
        actorType: z
          .array(z.enum(['human', 'agent', 'service']))
          .min(1)
          .optional(),
        /** Actor ids or emails (`*` wildcard). */
        actor: list.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
export type Rule = z.infer<typeof ruleSchema>;

export const policyFileSchema = z
  .object({
    /** Rules in order: the first that matches decides. Defaults come after unless disabled. */
    rules: z.array(ruleSchema).default([]),
    /** Keep the built-in rules after these. Default true. */
    defaults: z.boolean().default(true),
    /**
     * When the policy cannot decide (the parser failed to load, a reviewer cannot be reached):
     * closed blocks, open allows. Default: closed in production, open elsewhere.
     */
    onError: z.enum(['open', 'closed']).optional(),
    /** A statement or command line that does not parse. Default: review in production, allow elsewhere. */
    unparsable: verdictSchema.optional(),
    /**
     * SQL functions of your own or of an extension (`*` wildcard): `readOnly` ones are not
     * `user_function` (PostGIS's `st_*`), `sideEffects` ones are `side_effect`.
     */
    functions: z
      .object({ readOnly: list.optional(), sideEffects: list.optional() })
      .strict()
      .optional(),
    /** Whether sessions must be recorded, by resource and environment (see ./recording). */
    recording: z.array(recordingRuleSchema).default([]),
  })
  .strict();
export type PolicyFile = z.input<typeof policyFileSchema>;
