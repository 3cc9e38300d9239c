import type { Authorization } from '../session/decision';

/** What kind of action was refused. */
export type BlockedKind = 'tool' | 'sql' | 'command';

/**
 * An action the policy refused (or a reviewer rejected): it did not run. Every instrumentation
 * throws one (a subclass per kind), so `instanceof ActionBlockedError` catches them all. The
 * refused action and its verdict are on the record before this is thrown.
 */
export class ActionBlockedError extends Error {
  override name = 'ActionBlockedError';
  /** Why it was refused, for the user or the agent to see. */
  readonly reason: string;
  /** The rule that refused it, if one did. */
  readonly rule: string | undefined;
  /** The id of the refused action's event. */
  readonly subjectId: string;

  constructor(
    readonly kind: BlockedKind,
    message: string,
    readonly authorization: Authorization,
  ) {
    super(message);
    this.reason = authorization.reason ?? 'blocked by policy';
    this.rule = authorization.decision.rule;
    this.subjectId = authorization.subjectId;
  }
}

/** A tool call of an agent that was refused (`wrapTool`). */
export class ToolBlockedError extends ActionBlockedError {
  override name = 'ToolBlockedError';
  constructor(
    readonly tool: string,
    authorization: Authorization,
  ) {
    super(
      'tool',
      `${tool} was blocked: ${authorization.reason ?? 'blocked by policy'}`,
      authorization,
    );
  }
}

/** A statement that was refused (`instrumentPg`, `instrumentSqlite`): it was never sent. */
export class QueryBlockedError extends ActionBlockedError {
  override name = 'QueryBlockedError';
  constructor(authorization: Authorization) {
    super('sql', `query blocked: ${authorization.reason ?? 'blocked by policy'}`, authorization);
  }
}

/** A command or program that was refused (`runCommand`, `recordTerminal`): it did not start. */
export class CommandBlockedError extends ActionBlockedError {
  override name = 'CommandBlockedError';
  constructor(
    readonly command: string,
    authorization: Authorization,
  ) {
    super('command', `not started: ${authorization.reason ?? 'blocked by policy'}`, authorization);
  }
}
