import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';

// PostgreSQL's parser, counted: every parse the recorder does goes through it.
const parses = vi.hoisted(() => ({ n: 0 }));
vi.mock('libpg-query', async (original) => {
  const real = await original<typeof import('libpg-query')>();
  return {
    ...real,
    parseSync: (text: string) => {
      parses.n++;
      return real.parseSync(text);
    },
  };
});

const { instrumentSqlite } = await import('../src/instrument/sql');
const { Policy } = await import('../src/policy/policy');
const { SqlParseError } = await import('../src/policy/sql');
const { createRecorder } = await import('../src/recorder');
const { MemorySink } = await import('../src/sinks/sink');

const meta = {
  actor: { type: 'human' as const, id: 'u_alice' },
  resource: { name: 'app', type: 'application' as const, environment: 'development' },
};

describe('a query is parsed once', () => {
  it('the policy and the recorded tables share one parse; a statement run again is not parsed again', async () => {
    const policy = await Policy.create();
    const sink = new MemorySink();
    const recorder = createRecorder({ sink, policy, meta });
    const db = await instrumentSqlite(recorder, new Database(':memory:'));
    parses.n = 0;
    recorder.session().run(() => {
      db.exec('CREATE TABLE orders (id INTEGER, total INTEGER)');
      const insert = db.prepare('INSERT INTO orders VALUES (?, ?)');
      for (let i = 0; i < 50; i++) insert.run(i, i * 10);
      db.prepare('SELECT sum(total) FROM orders WHERE id > ?').get(3);
    });
    const queries = sink.events.filter((e) => e.type === 'query') as {
      tables?: { read: string[]; written: string[] };
    }[];
    // Every run is recorded with its tables…
    expect(queries).toHaveLength(52);
    expect(queries[1]!.tables).toEqual({ read: [], written: ['orders'] });
    expect(queries[51]!.tables).toEqual({ read: ['orders'], written: [] });
    // …from three parses: one per distinct statement, not two per run (104 before).
    expect(parses.n).toBe(3);
  });

  it('the cache keeps the dialect apart, repeats parse errors, and forgets the least recently used', async () => {
    const policy = await Policy.create();
    const sql = policy.analyzers.sql;
    const a = sql.analyze('SELECT * FROM "t"');
    expect(sql.analyze('SELECT * FROM "t"')).toBe(a);
    expect(sql.analyze('SELECT * FROM "t"', { dialect: 'mysql' })).not.toBe(a);
    parses.n = 0;
    expect(() => sql.analyze('SELEC 1')).toThrow(SqlParseError);
    expect(() => sql.analyze('SELEC 1')).toThrow(/syntax error/);
    expect(parses.n).toBe(1);
    for (let i = 0; i < 300; i++) sql.analyze(`SELECT ${i}`);
    parses.n = 0;
    sql.analyze('SELECT * FROM "t"');
    expect(parses.n).toBe(1);
    // A text too long to keep is parsed each time.
    const long = `SELECT 1 /* ${'x'.repeat(20_000)} */`;
    sql.analyze(long);
    sql.analyze(long);
    expect(parses.n).toBe(3);
  });
});
