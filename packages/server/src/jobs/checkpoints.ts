import { OPEN_STATUSES } from '@auditlane/client';
import { appendStatements, readStatements } from '../chain/checkpoint-file';
import {
  anchorsOf,
  checkStatement,
  type PurgeRecord,
  type SignedHead,
  type SigningKey,
  type Statement,
  signStatement,
  type VerifyKey,
} from '../chain/signing';
import type { VerifyEvidence } from '../chain/verify';
import type { ChainHead } from '../chain/walk';
import type { Store, StoredHead } from '../store/types';
import { postJson } from './webhook';

export interface CheckpointOptions {
  /** Signs every statement; the database never holds it. */
  key: SigningKey;
  /** Append-only file the statements go to as well, one JSON line each (the database cannot rewrite it). */
  file?: string;
  /** Each statement is also POSTed here as JSON (a log service, another host). */
  webhook?: string;
  /** Public keys of earlier signing keys, so their statements still check. */
  verifyKeys?: VerifyKey[];
  /** Between periodic checkpoints. Default one hour. */
  intervalMs?: number;
  now?: () => number;
  /** A failed checkpoint or webhook; the next checkpoint tries again. */
  onError?: (error: unknown) => void;
}

/** Heads per statement of a periodic checkpoint (one org's heads may take several lines). */
const HEADS_PER_STATEMENT = 500;

/**
 * Signs chain heads with a key the database does not hold: a session's head when it ends, and
 * periodically (hourly) the heads of every org that grew since they were last signed. Each
 * statement is kept with its sessions, appended to the checkpoint file and sent to the webhook.
 */
export class Notary {
  private readonly now: () => number;
  private queue: Promise<unknown> = Promise.resolve();
  private posts: Promise<void> = Promise.resolve();
  /** Where failures of signing, writing or posting go. */
  readonly onError = (error: unknown): void =>
    (this.options.onError ?? ((e: unknown) => console.error('[auditlane] checkpoint:', e)))(error);

  constructor(
    private readonly store: Store,
    readonly options: CheckpointOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The keys statements are checked with: this server's and the earlier ones given. */
  get keys(): VerifyKey[] {
    const own = { kid: this.options.key.kid, publicKey: this.options.key.publicKey };
    return [own, ...(this.options.verifyKeys ?? []).filter((k) => k.kid !== own.kid)];
  }

  /** Signs a session's head when it has ended (no longer open); null when it is still open or unknown. */
  async seal(org: string, sessionId: string): Promise<Statement | null> {
    return this.serialize(async () => {
      const head = await this.store.chainHead(org, sessionId);
      if (!head || OPEN_STATUSES.has(head.status)) return null;
      if (head.signedEvents >= head.events && head.signedHead !== null) return null;
      if (!(await this.continues(head))) return null;
      const statement = signStatement(this.options.key, {
        kind: 'session-end',
        at: new Date(this.now()).toISOString(),
        org,
        heads: [signedHead(head)],
      });
      await this.publish([statement]);
      await this.store.recordSignedHead(org, sessionId, head, JSON.stringify(statement));
      return statement;
    });
  }

  /**
   * Signs the record of a retention purge of a session's recording, with its head (a purge
   * changes no hash): verification accepts a purge after the session was signed only with it.
   */
  async recordPurge(org: string, sessionId: string, purge: PurgeRecord): Promise<Statement | null> {
    return this.serialize(async () => {
      const head = await this.store.chainHead(org, sessionId);
      if (!head) return null;
      const statement = signStatement(this.options.key, {
        kind: 'purge',
        at: new Date(this.now()).toISOString(),
        org,
        heads: [signedHead(head)],
        purge,
      });
      await this.publish([statement]);
      await this.store.recordSignedHead(org, sessionId, head, JSON.stringify(statement));
      return statement;
    });
  }

  /**
   * One periodic checkpoint: signs the heads of every org that grew since they were last signed,
   * a statement per org (several for many sessions) in the file, one per session kept with it.
   */
  async checkpoint(): Promise<{ statements: number; sessions: number }> {
    let statements = 0;
    let sessions = 0;
    // A head the store does not take (it keeps a statement covering more events) comes back:
    // each is signed once per checkpoint.
    const done = new Set<string>();
    for (;;) {
      // A batch at a time, so that sessions ending meanwhile are sealed between batches.
      const batch = await this.serialize(async () => {
        const candidates = (await this.store.unsignedHeads(5_000)).filter(
          (h) => !done.has(`${h.org}\n${h.sessionId}\n${h.head}`),
        );
        if (candidates.length === 0) return null;
        for (const h of candidates) done.add(`${h.org}\n${h.sessionId}\n${h.head}`);
        const heads: StoredHead[] = [];
        for (const h of candidates) if (await this.continues(h)) heads.push(h);
        if (heads.length === 0) return { statements: 0, sessions: 0 };
        const at = new Date(this.now()).toISOString();
        const byOrg = new Map<string, ChainHead[]>();
        for (const h of heads) {
          const list = byOrg.get(h.org);
          if (list) list.push(h);
          else byOrg.set(h.org, [h]);
        }
        const published: Statement[] = [];
        for (const [org, list] of byOrg) {
          for (let i = 0; i < list.length; i += HEADS_PER_STATEMENT) {
            published.push(
              signStatement(this.options.key, {
                kind: 'checkpoint',
                at,
                org,
                heads: list.slice(i, i + HEADS_PER_STATEMENT).map(signedHead),
              }),
            );
          }
        }
        await this.publish(published);
        for (const h of heads) {
          const own = signStatement(this.options.key, {
            kind: 'checkpoint',
            at,
            org: h.org,
            heads: [signedHead(h)],
          });
          await this.store.recordSignedHead(h.org, h.sessionId, h, JSON.stringify(own));
        }
        return { statements: published.length, sessions: heads.length };
      });
      if (!batch) return { statements, sessions };
      statements += batch.statements;
      sessions += batch.sessions;
    }
  }

  /**
   * Whether a head extends the one signed before (the statement kept with the session): a chain
   * rewritten since is not signed again (that would vouch for the rewrite); it is reported.
   */
  private async continues(head: StoredHead): Promise<boolean> {
    if (head.signedHead === null) return true;
    const check = checkStatement(head.signedHead, this.keys);
    const refuse = (why: string) => {
      this.onError(
        new Error(
          `not signing session ${head.sessionId} of ${head.org}: ${why}; run auditlane verify on it`,
        ),
      );
      return false;
    };
    if (check.status === 'unknown_key') return true;
    if (check.status === 'invalid')
      return refuse(`the signed head kept with it does not verify (${check.reason})`);
    for (const anchor of anchorsOf(check.statement, head.org, head.sessionId, '')) {
      if (anchor.chainVersion !== head.chainVersion)
        return refuse('its chain version differs from the one signed');
      if (anchor.events > head.events)
        return refuse(`it has ${head.events} events, ${anchor.events} were signed`);
      if (
        anchor.events > 0 &&
        (await this.store.hashAt(head.org, head.sessionId, anchor.events - 1)) !== anchor.head
      )
        return refuse(`its chain no longer holds the head signed ${check.statement.at}`);
    }
    return true;
  }

  /** What a session's verification is checked against: the keys and the checkpoint file. */
  async evidence(sessionId: string): Promise<VerifyEvidence> {
    return {
      keys: this.keys,
      statements: this.options.file ? await readStatements(this.options.file, sessionId) : [],
    };
  }

  /** Waits for the statements being written and posted. */
  async drain(): Promise<void> {
    await this.queue.catch(() => {});
    await this.posts;
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * Appends to the file (synced before the caller goes on) and queues the webhook posts, which
   * never hold up ingest: a failed post goes to `onError`.
   */
  private async publish(statements: Statement[]): Promise<void> {
    if (this.options.file) await appendStatements(this.options.file, statements);
    const webhook = this.options.webhook;
    if (!webhook || statements.length === 0) return;
    this.posts = this.posts.then(async () => {
      for (const s of statements) {
        const res = await postJson(webhook, JSON.stringify(s), { timeoutMs: 10_000 });
        if (!res.ok) this.onError(new Error(`checkpoint webhook ${webhook}: ${res.error}`));
      }
    });
  }
}

function signedHead(h: ChainHead): SignedHead {
  return {
    sessionId: h.sessionId,
    chainVersion: h.chainVersion,
    events: h.events,
    head: h.head,
  };
}

/**
 * Checkpoints now (heads stored before, also of sessions chained with an older formula, are
 * anchored from then on), every `intervalMs` (hourly by default), and once more when stopped.
 * Errors go to `onError`; the next checkpoint tries again.
 */
export function startCheckpoints(notary: Notary): { stop(): Promise<void> } {
  const run = () => notary.checkpoint().then(() => {}, notary.onError);
  void run();
  const timer = setInterval(run, notary.options.intervalMs ?? 3_600_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await run();
      await notary.drain();
    },
  };
}
