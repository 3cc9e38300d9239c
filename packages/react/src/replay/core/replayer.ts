/**
 * The replayer: the player's orchestration without a view. It reads a source (a recording, or
 * a session followed live), hands sealed blocks to a scan host for keyframes, drives a terminal
 * through a `ReplayDriver`, searches the output, and publishes one snapshot (`subscribe` /
 * `getSnapshot`, as a store for `useSyncExternalStore`). The terminal, the scan host and the
 * clock are injected: no React, no xterm, no DOM here.
 */
import { type ReplayClock, systemClock } from './clock';
import { ReplayDriver, type SeekLocation } from './driver';
import { KeyframeIndex, type ScanHost } from './keyframes';
import { type Inactivity, Recording } from './recording';
import type {
  HostMarker,
  Replayer,
  ReplayerAction,
  ReplayerOptions,
  ReplayerState,
  ReplaySnapshot,
  TerminalSize,
} from './replayer.types';
import { type SearchHit, searchRecording } from './text-search';

const SETTINGS = ['setSpeed', 'setSkipInactivity', 'setMarkers', 'dispose'] as const;
const SHOWN = [...SETTINGS, 'seek', 'search', 'toggle', 'jumpToLive'] as const;

/**
 * Which action applies in which state; any other is a no-op (an async one resolves at once,
 * `search` with no hits). What they lead to:
 * - `load`: idle → loading → scanning (first frame shown) → ready (all in and scanned), or error;
 * - `play`: scanning / ready / paused / ended → playing (ended starts over), or live when a live
 *   session plays at its newest moment; `pause`: playing / live → paused; `toggle`: either;
 * - `seek`: keeps playing (live → playing when it leaves the newest moment); ended → paused when
 *   before the end; scanning and ready stay;
 * - `jumpToLive` (live sources): → live; the settings change no state; `dispose` ends it all.
 * On its own the replayer goes playing → ended at the end, and a live session's player goes
 * to the newest moment and plays once the session's history is in.
 */
export const REPLAYER_TRANSITIONS: Readonly<Record<ReplayerState, readonly ReplayerAction[]>> = {
  idle: ['load', ...SETTINGS],
  loading: SETTINGS,
  scanning: [...SHOWN, 'play'],
  ready: [...SHOWN, 'play'],
  playing: [...SHOWN, 'pause'],
  live: [...SHOWN.filter((a) => a !== 'jumpToLive'), 'pause'],
  paused: [...SHOWN, 'play'],
  ended: [...SHOWN, 'play'],
  error: ['dispose'],
};

/** The snapshot of a replayer with no source yet (and of the player before one exists). */
export const INITIAL_SNAPSHOT: ReplaySnapshot = {
  state: 'idle',
  currentTime: 0,
  duration: 0,
  speed: 1,
  skipInactivity: false,
  markers: [],
  inactivity: [],
  complete: false,
  damage: null,
  keyframesIn: null,
  live: false,
  search: null,
};

/** Within this of the newest moment, a live session's player is at its live edge (seconds). */
const LIVE_EDGE = 1;

export function createReplayer(options: ReplayerOptions): Replayer {
  return new ReplayerCore(options);
}

class ReplayerCore implements Replayer {
  private readonly clock: ReplayClock;
  private readonly listeners = new Set<() => void>();
  private snapshot: ReplaySnapshot;
  private started = false;
  /** The first frame (the poster) is on the terminal. */
  private shown = false;
  private disposed = false;
  private failure: { message: string; time: number } | null = null;
  private readonly abort = new AbortController();
  private readonly cleanups: (() => void)[] = [];
  private recording: Recording | null = null;
  private keyframes: KeyframeIndex | null = null;
  private driver: ReplayDriver | null = null;
  private speed: number;
  private skip: boolean;
  private hostMarkers: readonly HostMarker[];
  /** How many of the host's markers are placed (those whose events are in). */
  private placedMarkers = 0;
  private keyframesIn: ReplaySnapshot['keyframesIn'] = null;
  private inactivity: readonly Inactivity[] = [];
  private cancelFrame: (() => void) | null = null;
  private searchRun = 0;
  private searchResult: ReplaySnapshot['search'] = null;
  /**
   * Following a live session: the source's `live`, until the source ends (the session ended, its
   * stream closed): then the recording is complete and no longer live.
   */
  private following: boolean;

  constructor(private readonly options: ReplayerOptions) {
    this.following = options.source.live;
    this.clock = options.clock ?? systemClock();
    this.speed = checkSpeed(options.speed ?? 1);
    this.skip = options.skipInactivity ?? false;
    this.hostMarkers = options.markers ?? [];
    this.snapshot = {
      ...INITIAL_SNAPSHOT,
      speed: this.speed,
      skipInactivity: this.skip,
      live: options.source.live,
    };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  readonly getSnapshot = (): ReplaySnapshot => this.snapshot;

  can(action: ReplayerAction): boolean {
    if (this.disposed) return false;
    if (action === 'jumpToLive' && !this.following) return false;
    return REPLAYER_TRANSITIONS[this.state()].includes(action);
  }

  load(): void {
    if (!this.can('load')) return;
    this.started = true;
    this.flush();
    this.run().catch((error: unknown) => {
      if (this.disposed) return;
      const e = error instanceof Error ? error : new Error(String(error));
      this.failure = { message: e.message, time: 0 };
      this.options.onError?.(e);
      this.flush();
    });
  }

  play(): void {
    if (this.can('play')) this.driver?.play();
  }

  pause(): void {
    if (this.can('pause')) this.driver?.pause();
  }

  toggle(): void {
    if (!this.can('toggle')) return;
    const state = this.state();
    if (state === 'playing' || state === 'live') this.driver?.pause();
    else this.driver?.play();
  }

  async seek(location: SeekLocation): Promise<void> {
    if (this.can('seek')) await this.driver?.seek(location);
  }

  async search(query: string, limit = 50): Promise<SearchHit[]> {
    const recording = this.recording;
    if (!this.can('search') || !recording) return [];
    // The newest search is the one shown (an older one may take longer to read the recording).
    const run = ++this.searchRun;
    if (!query) {
      this.searchResult = null;
      this.flush();
      return [];
    }
    this.searchResult = { query, hits: null };
    this.flush();
    let hits: SearchHit[] = [];
    try {
      hits = await searchRecording(recording, query, limit);
    } finally {
      if (run === this.searchRun && !this.disposed) {
        this.searchResult = { query, hits };
        this.flush();
      }
    }
    return hits;
  }

  setSpeed(speed: number): void {
    checkSpeed(speed);
    if (!this.can('setSpeed')) return;
    this.speed = speed;
    this.driver?.setSpeed(speed);
    // A setting shows at once (time waits for the next frame).
    this.flush();
  }

  setSkipInactivity(skip: boolean): void {
    if (!this.can('setSkipInactivity')) return;
    this.skip = skip;
    this.driver?.setSkipInactivity(skip);
    this.flush();
  }

  setMarkers(markers: readonly HostMarker[]): void {
    if (!this.can('setMarkers')) return;
    this.hostMarkers = markers;
    this.applyMarkers();
  }

  async jumpToLive(): Promise<void> {
    const driver = this.driver;
    if (!this.can('jumpToLive') || !driver) return;
    await driver.seek(driver.getDuration());
    if (!this.disposed) driver.play();
  }

  getCurrentTime(): number {
    return this.driver?.getCurrentTime() ?? 0;
  }

  getDuration(): number {
    return this.driver?.getDuration() ?? 0;
  }

  originalTimeOf(playSeconds: number): number {
    return this.recording?.originalTimeOf(playSeconds) ?? Math.max(0, playSeconds);
  }

  sessionTimeOf(playSeconds: number, startedAt: string): string {
    return sessionTime(startedAt, this.originalTimeOf(playSeconds));
  }

  settled(): Promise<void> {
    return this.driver?.settled() ?? Promise.resolve();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort.abort();
    this.cancelFrame?.();
    this.cancelFrame = null;
    for (const cleanup of this.cleanups.reverse()) cleanup();
    this.listeners.clear();
  }

  private state(): ReplayerState {
    if (this.failure) return 'error';
    if (!this.started) return 'idle';
    const d = this.driver;
    if (!d || !this.shown) return 'loading';
    switch (d.state) {
      case 'loading':
        return 'loading';
      case 'error':
        return 'error';
      case 'ready':
        return this.isComplete() ? 'ready' : 'scanning';
      case 'playing':
        return this.following && d.getCurrentTime() >= d.getDuration() - LIVE_EDGE
          ? 'live'
          : 'playing';
      default:
        return d.state;
    }
  }

  /** Every point is seekable once the recording is in and scanned for keyframes. */
  private isComplete(): boolean {
    const r = this.recording;
    const k = this.keyframes;
    if (!r?.complete) return false;
    return k === null || k.scanned >= r.length || k.error !== null;
  }

  /**
   * Time moves every frame while playing: published at most once a frame. A new state (the
   * first frame is shown, playing, ended) is published at once.
   */
  private readonly publish = (): void => {
    if (this.disposed) return;
    if (this.state() !== this.snapshot.state) {
      this.flush();
      return;
    }
    if (!this.cancelFrame) this.cancelFrame = this.clock.frame(this.flush);
  };

  private readonly flush = (): void => {
    this.cancelFrame?.();
    this.cancelFrame = null;
    if (this.disposed) return;
    const d = this.driver;
    const r = this.recording;
    // A new array only when a stretch was added (this runs on every frame while playing).
    if (r && this.inactivity.length !== r.inactivity.length) this.inactivity = [...r.inactivity];
    this.snapshot = {
      state: this.state(),
      currentTime: d?.getCurrentTime() ?? 0,
      duration: d?.getDuration() ?? 0,
      speed: this.speed,
      skipInactivity: this.skip,
      markers: d ? d.markers() : [],
      inactivity: this.inactivity,
      complete: this.isComplete(),
      damage: this.failure ?? r?.error ?? null,
      keyframesIn: this.keyframesIn,
      live: this.following,
      search: this.searchResult,
    };
    for (const listener of [...this.listeners]) listener();
  };

  private showFirstFrame(): void {
    if (this.shown || this.disposed) return;
    this.shown = true;
    this.flush();
  }

  private applyMarkers(): void {
    this.placeMarkers(true);
    this.flush();
  }

  /**
   * Places the host markers on play times (idle cuts move them). A marker is placed once the
   * events up to its time are in (its play time is then final): while a recording streams (a
   * live session, a long download) those at or before the newest event, the rest once it is
   * complete. Returns whether the placed markers changed (`force`: the host's set changed).
   */
  private placeMarkers(force = false): boolean {
    const d = this.driver;
    const r = this.recording;
    if (!(d && r)) return false;
    const edge = r.complete
      ? Number.POSITIVE_INFINITY
      : r.length > 0
        ? r.lastOriginalTime
        : Number.NEGATIVE_INFINITY;
    const placed = this.hostMarkers.filter((m) => m.originalTime <= edge);
    if (!force && placed.length === this.placedMarkers) return false;
    this.placedMarkers = placed.length;
    d.setExtraMarkers(placed.map((m) => ({ ...m, time: r.playTimeOf(m.originalTime) })));
    return true;
  }

  private async run(): Promise<void> {
    const { source, idleTimeLimit, poster } = this.options;
    const signal = this.abort.signal;
    const recording = new Recording({ idleTimeLimit });
    // Live: set once the session's history is in and the tail begins.
    let caughtUp = false;
    let atEdge = false;
    const items = source
      .read(signal, () => {
        caughtUp = true;
      })
      [Symbol.asyncIterator]();
    this.cleanups.push(() => void items.return?.()?.catch(() => {}));
    // The header first: it says the terminal's size.
    const first = await items.next();
    if (first.done || first.value.kind !== 'header') throw new Error('The recording has no header');
    recording.setHeader(first.value.header);
    if (this.disposed) return;
    this.recording = recording;
    const size: TerminalSize = {
      cols: first.value.header.term.cols,
      rows: first.value.header.term.rows,
    };
    // Keyframes are taken once the first frame is painted (starting a worker competes with the
    // screen for this thread); blocks sealed before then wait for it.
    let firstFrame = () => {};
    const painted = new Promise<void>((resolve) => {
      firstFrame = resolve;
    });
    let started: Promise<ScanHost & { kind?: 'worker' | 'thread' }> | null = null;
    const start = () => {
      // Never a scan host for a replayer that is gone.
      if (this.disposed) throw new Error('the player was closed');
      if (!started) {
        started = Promise.resolve(this.options.scanHost(size));
        started.then(
          (h) => {
            this.keyframesIn = h.kind ?? null;
            this.publish();
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
    const keyframes = new KeyframeIndex(recording, host, this.publish);
    this.keyframes = keyframes;
    this.cleanups.push(() => keyframes.dispose());
    const terminal = await this.options.terminal(size);
    if (this.disposed) {
      terminal.dispose?.();
      return;
    }
    this.cleanups.push(() => terminal.dispose?.());
    const driver = new ReplayDriver(recording, keyframes, terminal, {
      speed: this.speed,
      now: () => this.clock.now(),
      schedule: (callback) => this.clock.frame(callback),
      onChange: this.publish,
    });
    driver.setSkipInactivity(this.skip);
    this.driver = driver;
    this.cleanups.push(() => driver.dispose());
    driver.markReady();

    // Read the rest while playing is already possible. Blocks of events go to the scanner as
    // they fill; sealing hands over a partly filled one (live, a few times a second).
    // The poster frame at once; the rest streams in behind it.
    let shown = poster === undefined;
    // Live: scan for keyframes and publish as events arrive (a few times a second). Once the
    // history is in, the player goes to the live edge and plays: the clock then runs with the
    // new output as it arrives.
    let lastFollow = Number.NEGATIVE_INFINITY;
    const followLive = () => {
      if (caughtUp && !atEdge) {
        atEdge = true;
        // The history is in: the host's markers up to now are placed before the edge plays.
        if (this.placeMarkers()) this.publish();
        void driver.seek(driver.getDuration()).then(() => {
          if (!this.disposed) driver.play();
        });
      }
      const now = this.clock.now();
      if (now - lastFollow < 250) return;
      lastFollow = now;
      recording.seal();
      this.placeMarkers();
      this.publish();
    };
    if (shown) {
      await driver.seek(0);
      this.showFirstFrame();
      // Let the first frame paint before reading on (buffered data keeps this thread busy).
      await this.clock.paint();
      firstFrame();
    }
    let count = 0;
    let lastYield = this.clock.now();
    try {
      for (;;) {
        const next = await items.next();
        if (this.disposed) return;
        if (next.done) break;
        const item = next.value;
        if (item.kind !== 'event') continue;
        recording.append(item.event);
        if (++count % 5000 === 0) {
          recording.seal();
          this.placeMarkers();
          this.publish();
          if (!shown) {
            shown = true;
            await driver.seek(poster ?? 0);
            this.showFirstFrame();
            firstFrame();
          }
        }
        if (source.live) followLive();
        // Buffered data resolves reads as microtasks: give the page a frame now and then.
        if (count % 500 === 0 && this.clock.now() - lastYield > 12) {
          await this.clock.yield();
          lastYield = this.clock.now();
        }
      }
    } catch (error) {
      if (this.disposed || signal.aborted) return;
      const e = error instanceof Error ? error : new Error(String(error));
      recording.fail(e.message);
      this.options.onError?.(e);
    }
    recording.finish();
    // A live session's source ends when the session does: what is in is all there is.
    this.following = false;
    this.applyMarkers();
    firstFrame();
    recording.seal();
    await keyframes.drained();
    if (this.disposed) return;
    await driver.seek(shown ? driver.getCurrentTime() : (poster ?? 0));
    if (this.disposed) return;
    this.showFirstFrame();
    if (this.options.autoPlay && driver.state !== 'playing') driver.play();
    this.flush();
  }
}

function checkSpeed(speed: number): number {
  if (!(Number.isFinite(speed) && speed > 0)) {
    throw new RangeError(`replayer: speed must be a positive number, got ${String(speed)}`);
  }
  return speed;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** `startedAt` (ISO 8601) plus `originalSeconds`, as an ISO 8601 time. */
export function sessionTime(startedAt: string, originalSeconds: number): string {
  if (!Number.isFinite(originalSeconds)) {
    throw new RangeError(
      `sessionTimeOf: playSeconds must be a finite number, got ${String(originalSeconds)}`,
    );
  }
  // A time with its offset (Z or ±hh:mm), as the API gives it: a time without one would be read
  // in the viewer's time zone.
  const start = ISO_TIME.test(startedAt) ? Date.parse(startedAt) : Number.NaN;
  if (Number.isNaN(start)) {
    throw new RangeError(
      `sessionTimeOf: startedAt must be an ISO 8601 time, got ${JSON.stringify(startedAt)}`,
    );
  }
  return new Date(start + Math.round(originalSeconds * 1000)).toISOString();
}
