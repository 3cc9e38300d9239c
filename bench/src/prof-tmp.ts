import { eventSchema } from '@auditlane/client';
import { SqliteStore } from '@auditlane/server';
import { chainHash, eventDigest } from '../../packages/server/src/domain/hash';
import { searchableText } from '../../packages/server/src/domain/text';
import { rng, sessionEvents } from './lib';

const r = rng(1);
const events: any[] = [];
for (let i = 0; events.length < 20000; i++)
  events.push(...sessionEvents(i, 20, Date.UTC(2026, 1, 1) + i * 60000, r));
const t = (name: string, fn: () => void) => {
  const s = performance.now();
  fn();
  const ms = performance.now() - s;
  console.log(name.padEnd(20), ((ms * 1000) / events.length).toFixed(2), 'µs/event');
};
const json = JSON.stringify({ events });
t('JSON.parse', () => JSON.parse(json));
let parsed: any[] = [];
t('zod parse', () => {
  parsed = events.map((e) => eventSchema.parse(e));
});
t('digest', () => {
  for (const e of parsed) eventDigest(JSON.stringify(e));
});
t('chainHash', () => {
  let h = '0';
  for (const e of parsed) h = chainHash(h, 'x'.repeat(64), 'now');
});
t('text', () => {
  for (const e of parsed) searchableText(e);
});
t('stringify', () => {
  for (const e of parsed) JSON.stringify(e);
});
const store = new SqliteStore({ filename: '/tmp/prof.db' });
const s = performance.now();
for (let i = 0; i < parsed.length; i += 500)
  await store.ingest('o', parsed.slice(i, i + 500), {
    receivedAt: new Date().toISOString(),
    previewRows: 50,
    reconnectGraceMs: 1,
  });
console.log(
  'store.ingest'.padEnd(20),
  (((performance.now() - s) * 1000) / parsed.length).toFixed(2),
  'µs/event',
);
