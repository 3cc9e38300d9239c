import type { AuditlaneClient, StoredEvent } from '@auditlane/client';
import { type AsciicastItem, readAsciicast, recordingHeader } from '@auditlane/client/asciicast';
import { useCallback, useEffect, useRef, useState } from 'react';
import { toPlainText } from '../internal/format';
import { ListedSeqs } from '../internal/listed-seqs';
import { useAuditlaneContext } from '../provider/auditlane-provider';
import { ReplayDriver, type ReplayState, type SeekLocation, SPEEDS } from './core/driver';
import { KeyframeIndex, type ScanHost } from './core/keyframes';
import { type Inactivity, type Marker, Recording } from './core/recording';
import type { UseReplayOptions } from './replay.types';
import { createScanHost } from './view/scan-host';
import { createXtermScreen, loadXterm } from './view/xterm-screen';

export interface ReplaySnapshot {
  state: ReplayState;
  currentTime: number;
  duration: number;
  speed: number;
  /** Inactive stretches are skipped while playing. */
  skipInactivity: boolean;
  markers: Marker[];
  inactivity: Inactivity[];
  /** The whole recording has arrived and every point is seekable through keyframes. */
  complete: boolean;
  /** Why the recording stopped early, and where. */
  damage: { message: string; time: number } | null;
  /** Where keyframes are taken: a worker, this thread (no workers allowed), or not yet known. */
  keyframesIn: 'worker' | 'thread' | null;
}

export interface SearchHit {
  time: number;
  /** The line around the match, as plain text. */
  context: string;
}

const INITIAL: ReplaySnapshot = {
  state: 'loading',
  currentTime: 0,
  duration: 0,
  speed: 1,
  skipInactivity: false,
  markers: [],
  inactivity: [],
  complete: false,
  damage: null,
  keyframesIn: null,
};

/**
 * The player without markup: streams and parses the recording, takes keyframes as it arrives,
 * and drives an xterm.js terminal mounted in `containerRef` (loaded on demand). The current time
 * is in `snapshot` (updated at most once a frame); actions are stable functions.
 */
export function useReplay(options: UseReplayOptions) {
  const client = useAuditlaneContext()?.client ?? null;
  const containerRef = useRef<HTMLDivElement>(null);
  const driverRef = useRef<ReplayDriver | null>(null);
  const screenRef = useRef<{ serialize(): string; fit(): void } | null>(null);
  const [snapshot, setSnapshot] = useState<ReplaySnapshot>(INITIAL);
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const { src, sessionId, idleTimeLimit } = options;
  const live = options.live ?? false;

  useEffect(() => {
    const container = containerRef.current;
    if (!container || (!src && !sessionId)) return;
    const abort = new AbortController();
    let disposed = false;
    let frame = 0;
    const cleanups: (() => void)[] = [];
    let inactivity: Inactivity[] = [];
    let keyframesIn: ReplaySnapshot['keyframesIn'] = null;
    let published: ReplayState = 'loading';
    const flush = () => {
      frame = 0;
      const d = driverRef.current;
      if (!d || disposed) return;
      published = d.state;
      // A new array only when a stretch was added (this runs on every frame while playing).
      if (inactivity.length !== d.recording.inactivity.length) {
        inactivity = [...d.recording.inactivity];
      }
      setSnapshot({
        state: d.state,
        currentTime: d.getCurrentTime(),
        duration: d.getDuration(),
        speed: d.getSpeed(),
        skipInactivity: d.skipInactivity,
        markers: d.markers(),
        inactivity,
        // Every point is seekable once the recording is in and scanned for keyframes.
        complete:
          d.recording.complete &&
          ((d.keyframes?.scanned ?? 0) >= d.recording.length || d.keyframes?.error != null),
        damage: d.recording.error,
        keyframesIn,
      });
    };
    // Time moves every frame while playing: published at most once a frame. A new state (the
    // first frame is ready, playing, ended) is published at once.
    const publish = () => {
      const state = driverRef.current?.state;
      if (state !== undefined && state !== published) {
        if (frame) cancelAnimationFrame(frame);
        flush();
        return;
      }
      if (!frame) frame = requestAnimationFrame(flush);
    };

    // xterm loads while the recording's header arrives.
    void loadXterm().catch(() => {});
    (async () => {
      const recording = new Recording({ idleTimeLimit });
      let items: AsyncGenerator<AsciicastItem>;
      // Live: set once the session's history is in and the tail begins.
      let caughtUp = false;
      let atEdge = false;
      if (src) items = readAsciicast(src, { signal: abort.signal });
      else {
        if (!client) {
          throw new Error('useReplay: pass src, or render inside <AuditlaneProvider client>');
        }
        items = live
          ? liveItems(client, sessionId as string, abort.signal, () => {
              caughtUp = true;
            })
          : readAsciicast(
              (await client.sessions.recording(sessionId as string, {}, { signal: abort.signal }))
                .body,
              { signal: abort.signal },
            );
      }
      // The header first: it says the terminal's size.
      const first = await items.next();
      if (first.done || first.value.kind !== 'header')
        throw new Error('The recording has no header');
      recording.setHeader(first.value.header);
      const { cols, rows } = first.value.header.term;
      if (disposed) return;
      // Keyframes are taken in a worker, started once the first frame is painted (starting it
      // competes with the screen for this thread); blocks sealed before then wait for it.
      let firstFrame = () => {};
      const painted = new Promise<void>((resolve) => {
        firstFrame = resolve;
      });
      let started: ReturnType<typeof createScanHost> | null = null;
      const start = () => {
        // Never a worker for a player that is gone.
        if (disposed) throw new Error('the player was closed');
        if (!started) {
          started = createScanHost({
            cols,
            rows,
            spacing: optionsRef.current.keyframeSpacing,
            worker: optionsRef.current.worker,
          });
          started.then(
            (h) => {
              keyframesIn = h.kind;
              publish();
            },
            () => {},
          );
        }
        return started;
      };
      const host: ScanHost = {
        scan: async (block) => {
          await painted;
          return (await start()).scan(block);
        },
        dispose: () =>
          void started?.then(
            (h) => h.dispose(),
            () => {},
          ),
      };
      const keyframes = new KeyframeIndex(recording, host, publish);
      cleanups.push(() => keyframes.dispose());
      const screen = await createXtermScreen(container, { cols, rows });
      cleanups.push(() => screen.dispose());
      if (disposed) return;
      screenRef.current = screen;
      screen.fit();
      const driver = new ReplayDriver(recording, keyframes, screen, {
        speed: optionsRef.current.speed ?? 1,
        onChange: publish,
      });
      driverRef.current = driver;
      cleanups.push(() => driver.dispose());
      const hostMarkers = () =>
        (optionsRef.current.markers ?? []).map((m) => ({
          ...m,
          time: recording.playTimeOf(m.originalTime),
        }));
      driver.markReady();

      // Read the rest while playing is already possible. Blocks of events go to the scanner as
      // they fill; sealing hands over a partly filled one (live, a few times a second).
      // The poster frame at once; the rest streams in behind it.
      let shown = optionsRef.current.poster === undefined;
      // Live: scan for keyframes and publish as events arrive (a few times a second). Once the
      // history is in, the player goes to the live edge and plays: the clock then runs with the
      // new output as it arrives.
      let lastFollow = 0;
      const followLive = () => {
        if (caughtUp && !atEdge) {
          atEdge = true;
          void driver.seek(driver.getDuration()).then(() => driver.play());
        }
        const now = performance.now();
        if (now - lastFollow < 250) return;
        lastFollow = now;
        recording.seal();
        publish();
      };
      if (shown) {
        await driver.seek(0);
        // Let the first frame paint before reading on (buffered data keeps this thread busy);
        // a hidden tab has no frames, so not longer than 100 ms.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 100);
          requestAnimationFrame(() => {
            clearTimeout(timer);
            setTimeout(resolve, 0);
          });
        });
        firstFrame();
      }
      let count = 0;
      let lastYield = performance.now();
      try {
        for await (const item of { [Symbol.asyncIterator]: () => items }) {
          if (disposed) return;
          if (item.kind !== 'event') continue;
          recording.append(item.event);
          if (++count % 5000 === 0) {
            recording.seal();
            publish();
            if (!shown) {
              shown = true;
              await driver.seek(optionsRef.current.poster ?? 0);
              firstFrame();
            }
          }
          if (live) followLive();
          // Buffered data resolves reads as microtasks: give the page a frame now and then.
          if (count % 500 === 0 && performance.now() - lastYield > 12) {
            await yieldToPage();
            lastYield = performance.now();
          }
        }
      } catch (error) {
        if (disposed || abort.signal.aborted) return;
        const message = error instanceof Error ? error.message : String(error);
        recording.error = { message, time: recording.duration };
        optionsRef.current.onError?.(error instanceof Error ? error : new Error(message));
      }
      recording.complete = true;
      driver.setExtraMarkers(hostMarkers());
      firstFrame();
      recording.seal();
      await keyframes.drained();
      if (disposed) return;
      await driver.seek(shown ? driver.getCurrentTime() : (optionsRef.current.poster ?? 0));
      if (optionsRef.current.autoPlay) driver.play();
      publish();
    })().catch((error: unknown) => {
      if (disposed || abort.signal.aborted) return;
      const e = error instanceof Error ? error : new Error(String(error));
      optionsRef.current.onError?.(e);
      setSnapshot((s) => ({ ...s, state: 'error', damage: { message: e.message, time: 0 } }));
    });

    return () => {
      disposed = true;
      abort.abort();
      if (frame) cancelAnimationFrame(frame);
      for (const cleanup of cleanups.reverse()) cleanup();
      driverRef.current = null;
      screenRef.current = null;
      setSnapshot(INITIAL);
    };
  }, [src, sessionId, idleTimeLimit, client, live]);

  // Markers of the host may arrive after the recording (events load separately).
  const markersKey = JSON.stringify(options.markers ?? []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: markersKey stands for the markers.
  useEffect(() => {
    const d = driverRef.current;
    if (!d?.recording.complete) return;
    d.setExtraMarkers(
      (optionsRef.current.markers ?? []).map((m) => ({
        ...m,
        time: d.recording.playTimeOf(m.originalTime),
      })),
    );
    setSnapshot((s) => ({ ...s, markers: d.markers() }));
  }, [markersKey]);

  const play = useCallback(() => driverRef.current?.play(), []);
  const pause = useCallback(() => driverRef.current?.pause(), []);
  const toggle = useCallback(() => driverRef.current?.toggle(), []);
  const seek = useCallback(
    (location: SeekLocation) => driverRef.current?.seek(location) ?? Promise.resolve(),
    [],
  );
  const setSpeed = useCallback((speed: number) => driverRef.current?.setSpeed(speed), []);
  const setSkipInactivity = useCallback(
    (skip: boolean) => driverRef.current?.setSkipInactivity(skip),
    [],
  );
  const faster = useCallback(() => {
    const d = driverRef.current;
    if (!d) return;
    const next = SPEEDS.find((s) => s > d.getSpeed());
    if (next) d.setSpeed(next);
  }, []);
  const slower = useCallback(() => {
    const d = driverRef.current;
    if (!d) return;
    const next = [...SPEEDS].reverse().find((s) => s < d.getSpeed());
    if (next) d.setSpeed(next);
  }, []);
  /** Where a text appeared in the output, in time order (matches across chunk boundaries too). */
  const search = useCallback(async (query: string, limit = 50): Promise<SearchHit[]> => {
    const d = driverRef.current;
    if (!d || !query) return [];
    return searchRecording(d.recording, query, limit);
  }, []);
  /** The serialized screen (for tests, and for comparing frames). */
  const serialize = useCallback(() => screenRef.current?.serialize() ?? '', []);
  const settled = useCallback(() => driverRef.current?.settled() ?? Promise.resolve(), []);
  const getCurrentTime = useCallback(() => driverRef.current?.getCurrentTime() ?? 0, []);
  const getDuration = useCallback(() => driverRef.current?.getDuration() ?? 0, []);
  /** Back to the newest moment of a live session, playing. */
  const jumpToLive = useCallback(async () => {
    const d = driverRef.current;
    if (!d) return;
    await d.seek(d.getDuration());
    d.play();
  }, []);

  return {
    containerRef,
    snapshot,
    play,
    pause,
    toggle,
    seek,
    setSpeed,
    faster,
    slower,
    search,
    serialize,
    settled,
    getCurrentTime,
    getDuration,
    jumpToLive,
    live,
    setSkipInactivity,
  };
}

export type UseReplayResult = ReturnType<typeof useReplay>;

/** Lets the page render and handle input (a message is not clamped as nested timers are). */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

async function searchRecording(
  recording: Recording,
  query: string,
  limit: number,
): Promise<SearchHit[]> {
  const needle = query.toLowerCase();
  const hits: SearchHit[] = [];
  // A sliding window of plain text keeps matches that span two output events.
  let carry = '';
  let carryTime = 0;
  for await (const chunk of recording.outputChunks()) {
    const plain = toPlainText(chunk.text);
    const text = carry + plain;
    const lower = text.toLowerCase();
    let from = 0;
    for (;;) {
      const at = lower.indexOf(needle, from);
      if (at < 0) break;
      if (at + needle.length > carry.length) {
        const lineStart = text.lastIndexOf('\n', at) + 1;
        const lineEnd = text.indexOf('\n', at);
        hits.push({
          time: at < carry.length ? carryTime : chunk.time,
          context: text
            .slice(lineStart, lineEnd < 0 ? undefined : lineEnd)
            .replace(/\r/g, '')
            .trim(),
        });
        if (hits.length >= limit) return hits;
      }
      from = at + 1;
    }
    carry = text.slice(-Math.max(needle.length - 1, 0));
    carryTime = chunk.time;
  }
  return hits;
}

/**
 * A session's terminal events as asciicast items, from the start and then live over SSE until
 * the session ends (the same events the recording endpoint writes as a file).
 */
async function* liveItems(
  client: AuditlaneClient,
  sessionId: string,
  signal: AbortSignal,
  onCaughtUp: () => void,
): AsyncGenerator<AsciicastItem> {
  let headerSent = false;
  const listed = new ListedSeqs();
  const convert = function* (e: StoredEvent): Generator<AsciicastItem> {
    if (e.type !== 'terminal') return;
    if (!headerSent) {
      headerSent = true;
      // The recording's opening size event is its header (as the recording endpoint writes it).
      const { header, sizeEvent } = recordingHeader(e);
      yield { kind: 'header', header };
      if (sizeEvent) return;
    }
    yield { kind: 'event', event: { time: e.offsetMs / 1000, code: e.code, data: e.data } };
  };
  for await (const e of client.sessions.events.list(
    sessionId,
    { type: ['terminal'], limit: 1000 },
    { signal },
  )) {
    listed.add(e.seq);
    yield* convert(e);
  }
  onCaughtUp();
  for await (const e of client.sessions.events.stream(sessionId, { after: listed.last, signal })) {
    if (!listed.has(e.seq)) yield* convert(e);
  }
}
