import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { eventSchema } from '@auditlane/client';
import { SqliteStore } from '@auditlane/server';
import { rng, sessionEvents } from './lib';

const r = rng(1);
const events: any[] = [];
for (let i = 0; events.length < 60000; i++)
  events.push(...sessionEvents(i, 20, Date.UTC(2026, 1, 1) + i * 60000, r));
const parsed = events.map((e) => eventSchema.parse(e));
const store = new SqliteStore({ filename: '/tmp/prof.db' });
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const s = performance.now();
for (let i = 0; i < parsed.length; i += 500)
  await store.ingest('o', parsed.slice(i, i + 500), {
    receivedAt: new Date().toISOString(),
    previewRows: 50,
    reconnectGraceMs: 1,
  });
console.log(
  'store.ingest',
  (((performance.now() - s) * 1000) / parsed.length).toFixed(2),
  'µs/event',
);
const { profile } = await session.post('Profiler.stop');
writeFileSync('/tmp/cpuprof/p.cpuprofile', JSON.stringify(profile));
