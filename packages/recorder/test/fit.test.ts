import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, MAX_JSON_CHARS, MAX_ROWS_CHARS } from '@auditlane/client';
import { SqliteStore, startServer } from '@auditlane/server';
import { expect, it } from 'vitest';
import { createRecorder } from '../src/recorder';
import { HttpSink } from '../src/sinks/http';

// Over-limit content is kept, bounded and marked, on the real server: the event is not lost.

const human = { type: 'human' as const, id: 'u_alice', email: 'alice@acme.test' };
const dev = { name: 'scratch', type: 'ssh' as const, environment: 'development' };
// An access key id in AWS's format (the documented AKIAIOSFODNN7EXAMPLE is a placeholder, kept).
const AWS = 'AKIAZ7Q2MR4XW3TGBY5N';

it('stores tool calls and queries over the limits with bounded, masked, marked fields', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'recorder-fit-'));
  const store = new SqliteStore({ filename: join(dir, 'server.db') });
  const { token } = await store.createToken({
    org: 'acme',
    name: 'all',
    permissions: ['ingest', 'view_history'],
  });
  const running = await startServer({ store, port: 0 });
  try {
    const errors: string[] = [];
    const sink = new HttpSink({
      url: running.url,
      token,
      spool: mkdtempSync(join(tmpdir(), 'spool-')),
      batchMs: 10,
      onError: (e) => errors.push(e.message),
    });
    const recorder = createRecorder({ sink, policy: false, meta: { actor: human, resource: dev } });
    const session = recorder.session();
    let deep: unknown = { key: AWS };
    for (let i = 0; i < 6000; i++) deep = { a: deep };
    const deepId = session.toolCall({ tool: 'Read', input: { note: `key ${AWS}`, deep } });
    const bigId = session.toolCall({
      tool: 'Read',
      input: { path: '/var/log/huge' },
      output: `${AWS} ${'x'.repeat(2_000_000)}`,
    });
    const rows = Array.from({ length: 2000 }, (_, i) => [i, `${AWS} ${'r'.repeat(5000)}`]);
    const queryId = session.query({
      sql: 'select * from logs',
      columns: [{ name: 'id' }, { name: 'line' }],
      rows,
      rowCount: rows.length,
    });
    session.command({ text: 'echo after', exitCode: 0 });
    session.end();
    await recorder.flush({ timeoutMs: 30_000 });
    await recorder.close();
    expect(errors).toEqual([]);

    const admin = createClient({ baseUrl: running.url, token, retries: 0 });
    const events = [];
    for await (const e of admin.sessions.events.list(session.id, { limit: 500 })) events.push(e);
    const byId = new Map(events.map((e) => [e.id, e]));
    expect(events.map((e) => e.type)).toEqual([
      'lifecycle',
      'tool_call',
      'masking',
      'tool_call',
      'masking',
      'query',
      'masking',
      'command',
      'lifecycle',
    ]);

    const deepCall = byId.get(deepId) as {
      input: { truncated: boolean; tooDeep: boolean; preview: string };
    };
    expect(deepCall.input).toMatchObject({ truncated: true, tooDeep: true });
    expect(deepCall.input.preview).toContain('"note":"key ');
    expect(JSON.stringify(deepCall)).not.toContain(AWS);

    const bigCall = byId.get(bigId) as {
      input: unknown;
      output: { truncated: boolean; originalChars: number; preview: string };
    };
    expect(bigCall.input).toEqual({ path: '/var/log/huge' });
    expect(bigCall.output.truncated).toBe(true);
    expect(bigCall.output.originalChars).toBeGreaterThan(2_000_000);
    expect(JSON.stringify(bigCall.output).length).toBeLessThanOrEqual(MAX_JSON_CHARS);
    expect(bigCall.output.preview.length).toBeGreaterThan(100_000);
    expect(JSON.stringify(bigCall)).not.toContain(AWS);

    const query = byId.get(queryId) as { truncated: boolean; rowCount: number };
    expect(query.truncated).toBe(true);
    expect(query.rowCount).toBe(2000);
    expect(JSON.stringify(query)).not.toContain(AWS);
    expect(JSON.stringify(query).length).toBeLessThanOrEqual(MAX_ROWS_CHARS + 10_000);

    // Unmasked, a value too deep for JSON.stringify still reaches the spool and the server.
    const raw = createRecorder({
      sink: new HttpSink({
        url: running.url,
        token,
        spool: mkdtempSync(join(tmpdir(), 'spool-')),
        batchMs: 10,
        onError: (e) => errors.push(e.message),
      }),
      policy: false,
      masking: false,
      meta: { actor: human, resource: dev },
    });
    const rawSession = raw.session();
    let abyss: unknown = 'bottom';
    for (let i = 0; i < 200_000; i++) abyss = [abyss];
    expect(() => JSON.stringify(abyss)).toThrow(RangeError);
    const abyssId = rawSession.toolCall({ tool: 'Parse', input: abyss, output: 'ok' });
    rawSession.end();
    await raw.flush({ timeoutMs: 30_000 });
    await raw.close();
    expect(errors).toEqual([]);
    const rawEvents = [];
    for await (const e of admin.sessions.events.list(rawSession.id, { limit: 10 }))
      rawEvents.push(e);
    expect(rawEvents.find((e) => e.id === abyssId)).toMatchObject({
      input: { truncated: true, tooDeep: true },
      output: 'ok',
    });
  } finally {
    await running.close();
    await store.close();
  }
}, 60_000);
