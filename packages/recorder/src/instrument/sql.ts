import { AsyncLocalStorage } from 'node:async_hooks';
import { queryTables } from '../facts/record';
import type { RecordedSession, Recorder } from '../recorder';
import { QueryBlockedError } from './blocked';

export { QueryBlockedError } from './blocked';

export interface SqlInstrumentOptions {
  /** The session to record into (default: the recorder's current session at each call). */
  session?: RecordedSession;
  /** Rows kept on the event as a preview (masked). Default 50. */
  previewRows?: number;
}

interface PgResult {
  rows?: unknown[];
  fields?: { name: string; dataTypeID?: number }[];
  rowCount?: number | null;
}

type Queryable = {
  query: (...args: unknown[]) => unknown;
  connect?: (...args: unknown[]) => unknown;
};

const INSTRUMENTED = Symbol.for('auditlane/pg@1');

/**
 * Records every query of a `pg` Pool or Client: the policy decides before the statement is
 * sent (a blocked one rejects with QueryBlockedError and never reaches the database), then the
 * query is recorded with its duration, row count, columns, a masked preview of the rows and the
 * tables it reads and writes (from its parse tree). Clients checked out of an instrumented pool are instrumented too. Callback-style calls keep
 * the caller's async context (pg would run them in another's).
 */
export function instrumentPg<T extends object>(
  recorder: Recorder,
  target: T,
  options: SqlInstrumentOptions = {},
): T {
  const q = target as unknown as Queryable & { [INSTRUMENTED]?: boolean };
  if (q[INSTRUMENTED]) return target;
  q[INSTRUMENTED] = true;
  const previewRows = options.previewRows ?? 50;
  // A pool runs each query on a client it checks out (through `connect`, wrapped below), so
  // its clients are what records; wrapping the pool's own `query` would record twice.
  const isPool = 'idleCount' in q && 'totalCount' in q;
  const original = q.query.bind(target);
  if (!isPool)
    q.query = (...args: unknown[]) => {
      const callback =
        typeof args.at(-1) === 'function'
          ? (args.pop() as (e: unknown, r?: unknown) => void)
          : undefined;
      const [config, values] = args as [unknown, unknown];
      const submittable = config && typeof (config as { submit?: unknown }).submit === 'function';
      const session = options.session ?? recorder.current();
      if (submittable || !session) {
        return callback ? original(...args, AsyncLocalStorage.bind(callback)) : original(...args);
      }
      const text =
        typeof config === 'string' ? config : String((config as { text?: unknown }).text ?? '');
      const params = Array.isArray(values)
        ? values
        : ((config as { values?: unknown[] } | undefined)?.values ?? undefined);
      const run = async () => {
        const auth = await session.authorize({ kind: 'sql', text, dialect: 'postgres' });
        const tables = queryTables(await recorder.analyzers(), text, 'postgres');
        if (!auth.allowed) {
          session.query({ sql: text, params, error: `blocked: ${auth.reason}`, tables }, auth);
          throw new QueryBlockedError(auth);
        }
        const started = performance.now();
        try {
          const raw = (await original(...args)) as PgResult | PgResult[];
          const result = Array.isArray(raw) ? (raw.at(-1) as PgResult) : raw;
          const fields = result?.fields ?? [];
          const rows = (result?.rows ?? [])
            .slice(0, previewRows)
            .map((row) =>
              Array.isArray(row)
                ? row
                : fields.map((f) => (row as Record<string, unknown>)[f.name]),
            );
          session.query(
            {
              sql: text,
              params,
              columns: fields.map((f) => ({ name: f.name })),
              rows: rows.map((r) => r.map(jsonSafe)),
              rowCount: result?.rowCount ?? result?.rows?.length ?? null,
              truncated: (result?.rows?.length ?? 0) > previewRows,
              durationMs: performance.now() - started,
              tables,
            },
            auth,
          );
          return raw;
        } catch (error) {
          session.query(
            {
              sql: text,
              params,
              error: String((error as Error)?.message ?? error).slice(0, 10_000),
              durationMs: performance.now() - started,
              tables,
            },
            auth,
          );
          throw error;
        }
      };
      const promise = run();
      if (!callback) return promise;
      const bound = AsyncLocalStorage.bind(callback);
      promise.then(
        (r) => bound(null, r),
        (e) => bound(e),
      );
      return undefined;
    };
  if (typeof q.connect === 'function') {
    const connect = q.connect.bind(target);
    q.connect = (...args: unknown[]) => {
      const callback =
        typeof args.at(-1) === 'function' ? (args.pop() as (...a: unknown[]) => void) : undefined;
      if (callback) {
        const bound = AsyncLocalStorage.bind(callback);
        return connect(...args, (err: unknown, client: object | undefined, done: unknown) =>
          bound(err, client ? instrumentPg(recorder, client, options) : client, done),
        );
      }
      const result = connect(...args) as Promise<object> | undefined;
      // A Client's connect resolves to nothing; a Pool's to a client to instrument.
      return result?.then((client) =>
        client && client !== target ? instrumentPg(recorder, client, options) : client,
      );
    };
  }
  return target;
}

/** Values as JSON keeps them (dates as ISO strings, bigints and buffers as text). */
function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex').slice(0, 200)}`;
  return value;
}

interface SqliteStatement {
  source: string;
  reader: boolean;
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
  columns?(): { name: string }[];
}

interface SqliteDatabase {
  prepare(source: string): SqliteStatement;
  exec(source: string): unknown;
}

/**
 * Records every statement of a better-sqlite3 database. The driver is synchronous, so the
 * policy decides without waiting: a statement that needs a review is blocked in production
 * (fail-closed) and let through, noted, elsewhere. Resolves once the policy is loaded.
 */
export async function instrumentSqlite<T extends object>(
  recorder: Recorder,
  db: T,
  options: SqlInstrumentOptions = {},
): Promise<T> {
  const policy = await recorder.policy();
  const analyzers = await recorder.analyzers();
  const d = db as unknown as SqliteDatabase & { [INSTRUMENTED]?: boolean };
  if (d[INSTRUMENTED]) return db;
  d[INSTRUMENTED] = true;
  const previewRows = options.previewRows ?? 50;
  const prepare = d.prepare.bind(db);
  const exec = d.exec.bind(db);

  const guarded = <R>(
    sql: string,
    params: unknown[],
    call: () => R,
    describe: (r: R) => object,
  ): R => {
    const session = options.session ?? recorder.current();
    if (!session) return call();
    const auth = session.authorizeSync({ kind: 'sql', text: sql, dialect: 'sqlite' }, policy);
    const tables = queryTables(analyzers, sql, 'sqlite');
    if (!auth.allowed) {
      session.query({ sql, params, error: `blocked: ${auth.reason}`, tables }, auth);
      throw new QueryBlockedError(auth);
    }
    const started = performance.now();
    try {
      const result = call();
      session.query(
        { sql, params, ...describe(result), durationMs: performance.now() - started, tables },
        auth,
      );
      return result;
    } catch (error) {
      session.query(
        {
          sql,
          params,
          error: String((error as Error)?.message ?? error).slice(0, 10_000),
          durationMs: performance.now() - started,
          tables,
        },
        auth,
      );
      throw error;
    }
  };
  const rowsOf = (stmt: SqliteStatement, rows: unknown[]) => {
    const columns = stmt.columns?.() ?? [];
    return {
      columns: columns.map((c) => ({ name: c.name })),
      rows: rows
        .slice(0, previewRows)
        .map((r) =>
          (Array.isArray(r) ? r : columns.map((c) => (r as Record<string, unknown>)[c.name])).map(
            jsonSafe,
          ),
        ),
      rowCount: rows.length,
      truncated: rows.length > previewRows,
    };
  };

  d.prepare = (source: string) => {
    const stmt = prepare(source);
    const params = (args: unknown[]) =>
      args.length === 1 && typeof args[0] === 'object' && args[0] !== null ? [args[0]] : args;
    const run = stmt.run.bind(stmt);
    const get = stmt.get.bind(stmt);
    const all = stmt.all.bind(stmt);
    stmt.run = (...args: unknown[]) =>
      guarded(
        source,
        params(args),
        () => run(...args),
        (r) => ({ rowCount: (r as { changes?: number }).changes ?? null }),
      );
    stmt.get = (...args: unknown[]) =>
      guarded(
        source,
        params(args),
        () => get(...args),
        (r) => rowsOf(stmt, r === undefined ? [] : [r]),
      );
    const iterate = stmt.iterate.bind(stmt);
    stmt.iterate = (...args: unknown[]) =>
      guarded(
        source,
        params(args),
        () => iterate(...args),
        () => ({ rowCount: null }),
      );
    stmt.all = (...args: unknown[]) =>
      guarded(
        source,
        params(args),
        () => all(...args),
        (r) => rowsOf(stmt, r),
      );
    return stmt;
  };
  d.exec = (source: string) =>
    guarded(
      source,
      [],
      () => exec(source),
      () => ({}),
    );
  return db;
}
