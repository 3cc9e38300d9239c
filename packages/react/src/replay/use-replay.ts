import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useControllable } from '../internal/use-controllable';
import { useAuditlaneContext } from '../provider/auditlane-provider';
import { systemClock } from './core/clock';
import { type SeekLocation, SPEEDS } from './core/driver';
import { createReplayer, INITIAL_SNAPSHOT, sessionTime } from './core/replayer';
import type { Replayer, ReplaySnapshot } from './core/replayer.types';
import {
  asciicastSource,
  failingSource,
  liveSessionSource,
  type ReplaySource,
  sessionRecordingSource,
} from './core/source';
import type { SearchHit } from './core/text-search';
import type { UseReplayOptions } from './replay.types';
import { createScanHost } from './view/scan-host';
import { createXtermScreen, loadXterm, type XtermScreen } from './view/xterm-screen';

export type { ReplaySnapshot, SearchHit };

// The snapshot before a replayer exists (server rendering, the first render).
const getInitial = () => INITIAL_SNAPSHOT;
const subscribeNothing = () => () => {};

const isPlaying = (state: ReplaySnapshot['state']) => state === 'playing' || state === 'live';
const isShown = (state: ReplaySnapshot['state']) =>
  state !== 'idle' && state !== 'loading' && state !== 'error';

/**
 * The player without markup: a `useSyncExternalStore` adapter over a replayer
 * (`createReplayer`) that reads the recording, takes keyframes as it arrives and drives an
 * xterm.js terminal mounted in `containerRef` (loaded on demand). Speed, playing and
 * skip-inactivity are controlled or uncontrolled; the current time is in `snapshot` (updated at
 * most once a frame); actions are stable functions.
 */
export function useReplay(options: UseReplayOptions) {
  const client = useAuditlaneContext()?.client ?? null;
  const containerRef = useRef<HTMLDivElement>(null);
  const screenRef = useRef<XtermScreen | null>(null);
  const [replayer, setReplayer] = useState<Replayer | null>(null);
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const { src, sessionId, idleTimeLimit } = options;
  const live = options.live ?? false;

  const [speed, setSpeed] = useControllable(
    options.speed,
    options.defaultSpeed ?? 1,
    options.onSpeedChange,
  );
  const [playing, setPlaying] = useControllable(
    options.playing,
    options.defaultPlaying ?? false,
    options.onPlayingChange,
  );
  const [skipInactivity, setSkipInactivity] = useControllable(
    options.skipInactivity,
    options.defaultSkipInactivity ?? false,
    options.onSkipInactivityChange,
  );
  const speedRef = useRef(speed);
  speedRef.current = speed;
  const skipRef = useRef(skipInactivity);
  skipRef.current = skipInactivity;

  useEffect(() => {
    const container = containerRef.current;
    if (!container || (!src && !sessionId)) return;
    let source: ReplaySource;
    if (src) source = asciicastSource(src);
    else if (!client) {
      source = failingSource(
        new Error('useReplay: pass src, or render inside <AuditlaneProvider client>'),
      );
    } else if (live) source = liveSessionSource(client, sessionId as string);
    else source = sessionRecordingSource(client, sessionId as string);
    // xterm loads while the recording's header arrives.
    void loadXterm().catch(() => {});
    const o = optionsRef.current;
    const r = createReplayer({
      source,
      terminal: async (size) => {
        const screen = await createXtermScreen(container, size);
        screenRef.current = screen;
        screen.fit();
        return screen;
      },
      scanHost: (size) => createScanHost({ ...size, spacing: o.keyframeSpacing, worker: o.worker }),
      clock: systemClock(),
      idleTimeLimit,
      speed: speedRef.current,
      skipInactivity: skipRef.current,
      poster: o.poster,
      markers: o.markers,
      onError: (error) => optionsRef.current.onError?.(error),
    });
    setReplayer(r);
    r.load();
    return () => {
      r.dispose();
      screenRef.current = null;
      setReplayer(null);
    };
  }, [src, sessionId, idleTimeLimit, client, live]);

  const snapshot = useSyncExternalStore(
    replayer?.subscribe ?? subscribeNothing,
    replayer?.getSnapshot ?? getInitial,
    getInitial,
  );

  // The controllable states reach the replayer when they change.
  useEffect(() => {
    replayer?.setSpeed(speed);
  }, [replayer, speed]);
  useEffect(() => {
    replayer?.setSkipInactivity(skipInactivity);
  }, [replayer, skipInactivity]);
  const shown = isShown(snapshot.state);
  useEffect(() => {
    if (!replayer || !shown) return;
    const now = isPlaying(replayer.getSnapshot().state);
    if (playing && !now) replayer.play();
    else if (!playing && now) replayer.pause();
  }, [replayer, playing, shown]);
  // What the replayer does on its own (it ended, a live session went to its newest moment) is
  // reported as a change of `playing`.
  const observed = isPlaying(snapshot.state);
  const lastObserved = useRef(false);
  useEffect(() => {
    if (observed === lastObserved.current) return;
    lastObserved.current = observed;
    setPlaying(observed);
  }, [observed, setPlaying]);

  // Markers of the host may arrive after the recording (events load separately).
  const markersKey = JSON.stringify(options.markers ?? []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: markersKey stands for the markers.
  useEffect(() => {
    replayer?.setMarkers(optionsRef.current.markers ?? []);
  }, [replayer, markersKey]);

  const replayerRef = useRef(replayer);
  replayerRef.current = replayer;
  const snapshotRef = useRef(snapshot);
  snapshotRef.current = snapshot;

  const play = useCallback(() => setPlaying(true), [setPlaying]);
  const pause = useCallback(() => setPlaying(false), [setPlaying]);
  const toggle = useCallback(() => setPlaying(!isPlaying(snapshotRef.current.state)), [setPlaying]);
  const seek = useCallback(
    (location: SeekLocation) => replayerRef.current?.seek(location) ?? Promise.resolve(),
    [],
  );
  const faster = useCallback(() => setSpeed((s) => SPEEDS.find((x) => x > s) ?? s), [setSpeed]);
  const slower = useCallback(
    () => setSpeed((s) => [...SPEEDS].reverse().find((x) => x < s) ?? s),
    [setSpeed],
  );
  /** Where a text appeared in the output, in time order (also in `snapshot.search`). */
  const search = useCallback(
    (query: string, limit?: number): Promise<SearchHit[]> =>
      replayerRef.current?.search(query, limit) ?? Promise.resolve([]),
    [],
  );
  /** The serialized screen (for tests, and for comparing frames). */
  const serialize = useCallback(() => screenRef.current?.serialize() ?? '', []);
  const settled = useCallback(() => replayerRef.current?.settled() ?? Promise.resolve(), []);
  const getCurrentTime = useCallback(() => replayerRef.current?.getCurrentTime() ?? 0, []);
  const getDuration = useCallback(() => replayerRef.current?.getDuration() ?? 0, []);
  /** The session's own time (seconds from its start) of a play time: idle cuts counted back. */
  const originalTimeOf = useCallback(
    (playSeconds: number) => replayerRef.current?.originalTimeOf(playSeconds) ?? playSeconds,
    [],
  );
  /** The moment of the session (ISO 8601) a play time shows: `startedAt` plus the original time. */
  const sessionTimeOf = useCallback(
    (playSeconds: number, startedAt: string) =>
      replayerRef.current?.sessionTimeOf(playSeconds, startedAt) ??
      sessionTime(startedAt, Math.max(0, playSeconds)),
    [],
  );
  /** Back to the newest moment of a live session, playing. */
  const jumpToLive = useCallback(() => replayerRef.current?.jumpToLive() ?? Promise.resolve(), []);

  return {
    containerRef,
    /** The replayer under the hook (null until the container is mounted and a source given). */
    replayer,
    snapshot,
    /** The controllable states, as the host sees them. */
    speed,
    playing,
    skipInactivity,
    play,
    pause,
    toggle,
    seek,
    setSpeed,
    faster,
    slower,
    setPlaying,
    setSkipInactivity,
    search,
    serialize,
    settled,
    getCurrentTime,
    getDuration,
    originalTimeOf,
    sessionTimeOf,
    jumpToLive,
  };
}

export type UseReplayResult = ReturnType<typeof useReplay>;
