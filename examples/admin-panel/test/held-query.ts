/**
 * A second recorder process, as on an engineer's machine: asks to run an UPDATE on the
 * production database, waits for a reviewer's decision, and runs it only when approved.
 *   tsx test/held-query.ts URL DB_FILE   (the recorder's token in AUDITLANE_TOKEN)
 * Prints "waiting <sessionId>" once the review is requested, then "ran <changes>" or "refused".
 */
import { createClient } from '@auditlane/client';
import { createRecorder, HttpSink } from '@auditlane/recorder';
import Database from 'better-sqlite3';

const [url, file] = process.argv.slice(2) as [string, string];
const token = process.env.AUDITLANE_TOKEN as string;
const recorder = createRecorder({
  sink: new HttpSink({ url, token, spool: false, batchMs: 10 }),
  // The recorder's own token (ingest) asks for the review and waits for the decision.
  reviews: createClient({ baseUrl: url, token }),
  onError: (e) => console.error(`recorder: ${e.message}`),
});
const session = recorder.session({
  actor: { type: 'human', id: 'u-frank', email: 'frank@acme.dev', name: 'Frank Li' },
  resource: { name: 'orders-db', type: 'database', engine: 'sqlite', environment: 'production' },
  endpoint: '10.0.9.44',
});
const sql = "UPDATE customers SET plan = 'frozen' WHERE id = 42";
const waiting = session.authorize({ kind: 'sql', text: sql, dialect: 'sqlite' });
await recorder.flush({ timeoutMs: 10_000 });
console.log(`waiting ${session.id}`);
const auth = await waiting;
if (auth.allowed) {
  const db = new Database(file);
  const started = performance.now();
  const result = db.prepare(sql).run();
  db.close();
  session.query({ sql, rowCount: result.changes, durationMs: performance.now() - started }, auth);
  console.log(`ran ${result.changes}`);
} else console.log('refused');
session.end({ exitCode: auth.allowed ? 0 : 1 });
await recorder.close({ timeoutMs: 10_000 });
