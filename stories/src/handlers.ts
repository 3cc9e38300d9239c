/**
 * The Auditlane API for stories, as MSW handlers over the story fixtures. Each story picks the
 * situation it shows: a slow server, a failing one, a viewer without permissions, downloads
 * disabled, a live session.
 */
import type {
  ActivityEntry,
  ActivityMark,
  Review,
  Session,
  StoredEvent,
  Viewer,
} from '@auditlane/client';
import {
  type AsciicastEvent,
  type AsciicastHeader,
  stringifyAsciicast,
  terminalEventsToAsciicast,
} from '@auditlane/client/asciicast';
import { type ActivityItem, buildActivity } from '@auditlane/react/session-detail';
import { delay, HttpResponse, http } from 'msw';
import {
  logLine,
  makeEvents,
  makeReview,
  makeSessions,
  makeTerminalEvents,
  terminalEvent,
} from './fixtures';

export const API = 'https://api.auditlane.test';

export const FULL_VIEWER: Viewer = {
  org: 'acme',
  token: { id: 'tok_1', name: 'rita' },
  permissions: ['view_history', 'view_recording', 'download_recording', 'revoke', 'review'],
  downloadsEnabled: true,
};

export interface ApiOptions {
  sessions?: Session[];
  viewer?: Viewer;
  /** Every call fails with a 500. */
  failing?: boolean;
  /** Every call hangs (the loading state). */
  loading?: boolean;
  /** The review in the first session's log is still pending. */
  pending?: boolean;
  /** The first session is live: new events arrive over SSE. */
  live?: boolean;
  /** The first session is a live terminal: its recording grows by a log line every 500 ms. */
  liveTerminal?: boolean;
}

/** An item has a mark: its last verdict, values masked in it, or it failed. */
function hasMark(item: ActivityItem, mark: ActivityMark): boolean {
  if (mark === 'masked') return item.masked.count > 0;
  if (mark === 'failed') return item.failed;
  return item.verdict === mark;
}

/** What the activity's text filter reads of an entry (command, SQL, tool and input, path, URL, reason). */
function textOf(item: ActivityItem): string {
  const e = item.event as Record<string, unknown>;
  return [
    e.text,
    e.sql,
    e.tool,
    e.input,
    e.path,
    e.url,
    e.host,
    e.reason,
    ...item.verdicts.map((v) => v.reason),
  ]
    .map((v) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v)))
    .join('\n')
    .toLowerCase();
}

function toEntry(item: ActivityItem): ActivityEntry {
  return {
    id: item.id,
    type: item.event.type,
    seq: item.seq,
    lastSeq: item.lastSeq,
    time: item.time,
    lastTime: item.lastTime,
    count: 1,
    shape: null,
    event: item.event,
    verdicts: item.verdicts,
    verdict: item.verdict,
    masked: item.masked,
    failed: item.failed,
    marks: item.marks,
  } as ActivityEntry;
}

/** A terminal recording as the server writes it (`GET …/recording`): asciicast v3 text. */
function asciicastOf(events: readonly StoredEvent[]): string {
  const toItems = terminalEventsToAsciicast();
  let header: AsciicastHeader | null = null;
  const out: AsciicastEvent[] = [];
  for (const e of events) {
    if (e.type !== 'terminal') continue;
    for (const item of toItems(e)) {
      if (item.kind === 'header') header = item.header;
      else out.push(item.event);
    }
  }
  return stringifyAsciicast(header ?? { version: 3, term: { cols: 80, rows: 24 } }, out);
}

/** Commands a live session's story adds, one every 2 s. */
const LIVE_EVENTS = 20;

export function apiHandlers(options: ApiOptions = {}) {
  const sessions = options.sessions ?? makeSessions(300);
  const events = new Map<string, StoredEvent[]>();
  const reviews = new Map<string, Review>();
  const eventsOf = (session: Session) => {
    let list = events.get(session.id);
    if (!list) {
      list = makeEvents(session, { pending: options.pending });
      events.set(session.id, list);
      reviews.set(session.id, makeReview(session, options.pending ? 'pending' : 'approved'));
    }
    return list;
  };
  // A live session's story: a new command every 2 s after the first request (20 at most), the
  // same for the activity's polls and the events stream.
  const liveStarted = new Map<string, number>();
  const liveEventsOf = (session: Session) => {
    const list = eventsOf(session);
    const started = liveStarted.get(session.id) ?? Date.now();
    liveStarted.set(session.id, started);
    const due = Math.min(LIVE_EVENTS, Math.floor((Date.now() - started) / 2_000));
    for (let n = list.filter((e) => e.id.startsWith('evt_live_')).length; n < due; n++) {
      const last = list.at(-1) as StoredEvent;
      list.push({
        ...last,
        id: `evt_live_${n}`,
        seq: last.seq + 1,
        type: 'command',
        text: `kubectl get pods -n payments # ${n + 1}`,
        exitCode: 0,
        output: 'NAME READY STATUS\napi-7d9 1/1 Running\n',
        time: new Date().toISOString(),
      } as StoredEvent);
    }
    return list;
  };
  const terminal = new Map<string, StoredEvent[]>();
  const terminalOf = (session: Session) => {
    let list = terminal.get(session.id);
    if (!list) {
      list = makeTerminalEvents(session);
      terminal.set(session.id, list);
    }
    return list;
  };
  // A whole recording: the shell's start, then quiet until the session's last entry (90 s).
  const recordingOf = (session: Session) => {
    const list = [...terminalOf(session)];
    const last = list.at(-1) as StoredEvent & { offsetMs: number };
    list.push({
      ...terminalEvent(session.id, 90_000, 'o', 'logout\r\n'),
      seq: last.seq + 1,
    });
    return list;
  };
  const find = (id: string | readonly string[] | undefined) => sessions.find((s) => s.id === id);
  const gate = async () => {
    if (options.loading) await delay('infinite');
    await delay(150);
    if (options.failing) {
      return HttpResponse.json(
        { code: 'internal', message: 'The server is unavailable (story)', requestId: 'req_story' },
        { status: 500 },
      );
    }
    return null;
  };
  const notFound = () =>
    HttpResponse.json(
      { code: 'not_found', message: 'No such session', requestId: 'req_story' },
      { status: 404 },
    );

  return [
    http.get(
      `${API}/v1/me`,
      async () => (await gate()) ?? HttpResponse.json(options.viewer ?? FULL_VIEWER),
    ),
    http.get(`${API}/v1/sessions`, async ({ request }) => {
      const failed = await gate();
      if (failed) return failed;
      const url = new URL(request.url);
      const p = url.searchParams;
      let list = sessions.filter(
        (s) =>
          (!p.getAll('status').length || p.getAll('status').includes(s.status)) &&
          (!p.getAll('environment').length ||
            p.getAll('environment').includes(s.resource.environment)) &&
          (!p.getAll('type').length || p.getAll('type').includes(s.resource.type)) &&
          (!p.get('user') || [s.actor.id, s.actor.email].includes(p.get('user') ?? '')) &&
          (!p.get('resource') || s.resource.name === p.get('resource')) &&
          (!p.get('q') ||
            JSON.stringify(s)
              .toLowerCase()
              .includes((p.get('q') ?? '').toLowerCase())),
      );
      if (p.get('sort') === 'significance') {
        list = [...list].sort(
          (a, b) => (b.significance?.score ?? 0) - (a.significance?.score ?? 0),
        );
      }
      const offset = Number(p.get('cursor') ?? 0);
      const limit = Number(p.get('limit') ?? 50);
      const data = list.slice(offset, offset + limit);
      const next = offset + limit < list.length ? String(offset + limit) : null;
      return HttpResponse.json({
        data,
        nextCursor: next,
        count: { mode: 'capped', value: Math.min(list.length, 1000), capped: list.length > 1000 },
      });
    }),
    http.get(`${API}/v1/sessions/:id`, async ({ params }) => {
      const failed = await gate();
      if (failed) return failed;
      const session = find(params.id);
      return session ? HttpResponse.json(session) : notFound();
    }),
    http.get(`${API}/v1/sessions/:id/events`, async ({ params, request }) => {
      const failed = await gate();
      if (failed) return failed;
      const session = find(params.id);
      if (!session) return notFound();
      const url = new URL(request.url);
      const after = Number(url.searchParams.get('after') ?? -1);
      if (url.searchParams.getAll('type').includes('terminal')) {
        // The recording so far of a live terminal story (others have none).
        const data = options.liveTerminal ? terminalOf(session).filter((e) => e.seq > after) : [];
        return HttpResponse.json({ data, nextCursor: null });
      }
      const data = eventsOf(session).filter((e) => e.seq > after && e.type !== 'terminal');
      return HttpResponse.json({ data, nextCursor: null });
    }),
    // The activity as the reference server answers it: filtered by type, mark and text, a seq
    // range, pages of `limit` either way from a cursor (the seq of an entry), a seek around a seq
    // or a time. One item per entry: runs are not grouped here (the reference server groups).
    http.get(`${API}/v1/sessions/:id/activity`, async ({ params, request }) => {
      const failed = await gate();
      if (failed) return failed;
      const session = find(params.id);
      if (!session) return notFound();
      const live = Boolean(options.live);
      const p = new URL(request.url).searchParams;
      const types = p.getAll('type');
      const marks = p.getAll('verdict') as ActivityMark[];
      const q = p.get('q')?.toLowerCase();
      const fromSeq = Number(p.get('fromSeq') ?? 0);
      const toSeq = Number(p.get('toSeq') ?? Number.MAX_SAFE_INTEGER);
      const limit = Number(p.get('limit') ?? 100);
      const list = live ? liveEventsOf(session) : eventsOf(session);
      const all = buildActivity(list).items.filter(
        (item) =>
          item.seq >= fromSeq &&
          item.seq <= toSeq &&
          (!types.length || types.includes(item.event.type)) &&
          (!marks.length || marks.some((m) => hasMark(item, m))) &&
          (!q || textOf(item).includes(q)),
      );
      let start = 0;
      let end = Number.POSITIVE_INFINITY;
      let anchorSeq: number | null = null;
      const after = p.get('after');
      const before = p.get('before');
      const aroundSeq = p.get('aroundSeq');
      const aroundTime = p.get('aroundTime');
      if (after !== null) {
        start = all.findIndex((item) => item.seq > Number(after));
        if (start < 0) start = all.length;
      } else if (before !== null) {
        const at = all.findIndex((item) => item.seq >= Number(before));
        end = at < 0 ? all.length : at;
        start = Math.max(0, end - limit);
      } else if (aroundSeq !== null || aroundTime !== null) {
        let at = all.findIndex((item) =>
          aroundSeq !== null
            ? item.seq >= Number(aroundSeq)
            : Date.parse(item.time) >= Date.parse(aroundTime as string),
        );
        if (at < 0) at = all.length - 1;
        anchorSeq = all[at]?.seq ?? null;
        start = Math.max(0, at - Math.floor(limit / 2));
      }
      const page = all.slice(start, Math.min(end, start + limit));
      const data = page.map(toEntry);
      const hasBefore = start > 0;
      const hasAfter = start + page.length < all.length;
      const last = data.at(-1)?.seq ?? (after !== null ? Number(after) : -1);
      return HttpResponse.json({
        data,
        firstSeq: data[0]?.seq ?? null,
        lastSeq: data.at(-1)?.seq ?? null,
        hasBefore,
        hasAfter,
        prevCursor: hasBefore && data[0] ? String(data[0].seq) : null,
        // A live session keeps a cursor to poll (here the seq of its last entry).
        nextCursor: hasAfter || live ? String(last) : null,
        anchorSeq,
        total: p.get('count') === 'none' || q ? null : all.length,
        totalCapped: false,
      });
    }),
    // The terminal recording of a session, as a file (the live terminal story reads its events).
    http.get(`${API}/v1/sessions/:id/recording`, async ({ params }) => {
      const failed = await gate();
      if (failed) return failed;
      const session = find(params.id);
      if (!session) return notFound();
      return new HttpResponse(asciicastOf(recordingOf(session)), {
        headers: { 'content-type': 'application/x-asciicast' },
      });
    }),
    http.get(`${API}/v1/sessions/:id/events/stream`, ({ params }) => {
      const session = find(params.id);
      if (session && options.liveTerminal) return liveTerminalStream(terminalOf(session));
      if (!session || !options.live) return new HttpResponse(null, { status: 204 });
      const list = liveEventsOf(session);
      const encoder = new TextEncoder();
      let sent = list.at(-1)?.seq ?? -1;
      const stream = new ReadableStream({
        start(controller) {
          const timer = setInterval(() => {
            for (const event of liveEventsOf(session).filter((e) => e.seq > sent)) {
              sent = event.seq;
              controller.enqueue(
                encoder.encode(
                  `event: event\nid: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`,
                ),
              );
            }
            const live = list.filter((e) => e.id.startsWith('evt_live_'));
            if (live.length >= LIVE_EVENTS && sent >= live.at(-1)!.seq) clearInterval(timer);
          }, 500);
        },
      });
      return new HttpResponse(stream, { headers: { 'content-type': 'text/event-stream' } });
    }),
    http.get(`${API}/v1/reviews`, async ({ request }) => {
      const failed = await gate();
      if (failed) return failed;
      const id = new URL(request.url).searchParams.get('sessionId');
      const session = find(id ?? undefined);
      if (session) eventsOf(session);
      const review = session ? reviews.get(session.id) : undefined;
      return HttpResponse.json({ data: review ? [review] : [], nextCursor: null });
    }),
    http.post(`${API}/v1/reviews/:id/:decision`, async ({ params }) => {
      const session = sessions.find((s) => reviews.get(s.id)?.id === params.id);
      if (!session) return notFound();
      const status = params.decision === 'approve' ? 'approved' : 'rejected';
      const review = {
        ...(reviews.get(session.id) as Review),
        status,
        decidedBy: 'rita',
        decidedByToken: { id: 'tok_rita', name: 'rita' },
        decidedAt: new Date().toISOString(),
      } as Review;
      reviews.set(session.id, review);
      return HttpResponse.json(review);
    }),
    http.post(`${API}/v1/sessions/:id/revoke`, async ({ params }) => {
      const session = find(params.id);
      if (!session) return notFound();
      session.status = 'revoked';
      return HttpResponse.json(session);
    }),
  ];
}

/** A live terminal: a log line every 500 ms at the recording's clock, over SSE. */
function liveTerminalStream(list: StoredEvent[]) {
  const encoder = new TextEncoder();
  const started = Date.now();
  const base = list.at(-1) as StoredEvent & { offsetMs: number };
  let n = list.length;
  let timer: ReturnType<typeof setInterval> | undefined;
  const stream = new ReadableStream({
    start(controller) {
      timer = setInterval(() => {
        const offsetMs = base.offsetMs + (Date.now() - started);
        const event = { ...terminalEvent(base.sessionId, offsetMs, 'o', logLine(n)), seq: n++ };
        list.push(event);
        controller.enqueue(
          encoder.encode(`event: event\nid: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`),
        );
      }, 500);
    },
    cancel() {
      clearInterval(timer);
    },
  });
  return new HttpResponse(stream, { headers: { 'content-type': 'text/event-stream' } });
}
