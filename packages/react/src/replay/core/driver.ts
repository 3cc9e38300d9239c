/**
 * The player without a view: an explicit state machine (loading → ready ⇄ playing / paused →
 * ended; error) over a Recording, writing to a ReplayTerminal. Seeking restores the nearest
 * keyframe and replays forward; a generation counter drops a seek overtaken by a newer one.
 * No React, no xterm, no DOM: the clock and the scheduler are injected.
 */
import type { KeyframeIndex } from './keyframes';
import { type Marker, OUTPUT, RESIZE, type Recording } from './recording';
import { type ReplayTerminal, screenSize } from './terminal';

export type ReplayState = 'loading' | 'ready' | 'playing' | 'paused' | 'ended' | 'error';

/**
 * Where to seek: play seconds, a percentage, a marker (by index, or the next / previous one), or
 * an original time (seconds from the start of the recording as recorded, before idle stretches
 * were cut: where a session's event happened).
 */
export type SeekLocation =
  | number
  | `${number}%`
  | { marker: number | 'prev' | 'next' }
  | { originalTime: number };

export interface DriverOptions {
  speed?: number;
  now?: () => number;
  /** Calls back on the next frame; returns a cancel function. */
  schedule?: (callback: () => void) => () => void;
  onChange?: () => void;
}

export const SPEEDS = [0.5, 1, 1.5, 2, 4, 8] as const;

export class ReplayDriver {
  private current: ReplayState = 'loading';
  private failure: Error | null = null;
  private skipping = false;
  /** Play time shown, seconds. */
  private time = 0;
  /** Events applied to the screen: [0, applied). */
  private applied = 0;
  private speed: number;
  private playStartedAt = 0;
  private playStartedTime = 0;
  private cancelFrame: (() => void) | null = null;
  private generation = 0;
  private writing: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly schedule: (callback: () => void) => () => void;
  private readonly onChange: () => void;

  constructor(
    readonly recording: Recording,
    readonly keyframes: KeyframeIndex | null,
    private readonly screen: ReplayTerminal,
    options: DriverOptions = {},
  ) {
    this.speed = options.speed ?? 1;
    this.now = options.now ?? (() => performance.now());
    this.schedule =
      options.schedule ??
      ((callback) => {
        const id = requestAnimationFrame(callback);
        return () => cancelAnimationFrame(id);
      });
    this.onChange = options.onChange ?? (() => {});
  }

  get state(): ReplayState {
    return this.current;
  }

  /** Why the driver failed (state 'error'). */
  get error(): Error | null {
    return this.failure;
  }

  getCurrentTime(): number {
    return this.time;
  }

  getDuration(): number {
    return this.recording.duration;
  }

  getSpeed(): number {
    return this.speed;
  }

  /** While playing, inactive stretches (those on the seek bar) are jumped over, not waited. */
  get skipInactivity(): boolean {
    return this.skipping;
  }

  setSkipInactivity(skip: boolean): void {
    this.skipping = skip;
    this.onChange();
  }

  /** The recording can be shown (its header arrived). */
  markReady(): void {
    if (this.state === 'loading') this.setState('ready');
  }

  fail(error: Error): void {
    this.stopClock();
    this.failure = error;
    this.setState('error');
  }

  play(): void {
    if (this.state === 'playing' || this.state === 'error' || this.state === 'loading') return;
    // At the end of a finished recording, play starts over; at the end of a live one, the clock
    // runs on and new output shows as it arrives.
    if (this.state === 'ended' || (this.recording.complete && this.time >= this.getDuration())) {
      void this.seek(0).then(() => this.play());
      return;
    }
    this.playStartedAt = this.now();
    this.playStartedTime = this.time;
    this.setState('playing');
    this.tick();
  }

  pause(): void {
    if (this.state !== 'playing') return;
    this.stopClock();
    this.setState('paused');
  }

  toggle(): void {
    if (this.state === 'playing') this.pause();
    else this.play();
  }

  /** Changes the speed while playing, keeping the position. */
  setSpeed(speed: number): void {
    if (!(speed > 0)) return;
    this.playStartedTime = this.time;
    this.playStartedAt = this.now();
    this.speed = speed;
    this.onChange();
  }

  /** Resolves the location to a play time (seconds), clamped to the recording. */
  resolve(location: SeekLocation): number {
    const duration = this.getDuration();
    let t: number;
    if (typeof location === 'number') t = location;
    else if (typeof location === 'string') t = (Number.parseFloat(location) / 100) * duration;
    else if ('originalTime' in location) t = this.recording.playTimeOf(location.originalTime);
    else t = this.markerTime(location.marker);
    return Math.max(0, Math.min(duration, t));
  }

  private markerTime(which: number | 'prev' | 'next'): number {
    const markers = this.markers();
    if (typeof which === 'number') return markers[which]?.time ?? this.time;
    const eps = 0.001;
    if (which === 'next') return markers.find((m) => m.time > this.time + eps)?.time ?? this.time;
    const before = markers.filter((m) => m.time < this.time - eps);
    return before.at(-1)?.time ?? 0;
  }

  private extraMarkers: Marker[] = [];
  private sortedMarkers: Marker[] = [];
  private sortedFrom = -1;

  /** Sets the host's markers (commands, blocked actions, reviews), at play times. */
  setExtraMarkers(markers: Marker[]): void {
    this.extraMarkers = markers;
    this.sortedFrom = -1;
  }

  /**
   * Markers of the recording and the host's, in time order: the same array until one is added
   * (it is read on every published frame while playing).
   */
  markers(): Marker[] {
    if (this.sortedFrom !== this.recording.markers.length) {
      this.sortedMarkers = [...this.recording.markers, ...this.extraMarkers].sort(
        (a, b) => a.time - b.time,
      );
      this.sortedFrom = this.recording.markers.length;
    }
    return this.sortedMarkers;
  }

  /**
   * Shows the screen at the location: restores the nearest keyframe at or before it and
   * replays the events after it. A later seek supersedes this one.
   */
  async seek(location: SeekLocation): Promise<void> {
    if (this.state === 'loading' || this.state === 'error') return;
    const t = this.resolve(location);
    const generation = ++this.generation;
    const target = this.recording.indexAfter(t);
    // The clock moves to t at once: frames drawn while the seek works count from there (and
    // those queued before it are dropped by the generation).
    this.time = t;
    this.playStartedTime = t;
    this.playStartedAt = this.now();
    await this.enqueue(async () => {
      if (generation !== this.generation) return;
      // Decided here, in turn: the screen holds events [0, applied) of the work before this.
      // Going forward a little, replaying from where the screen is beats restoring a keyframe.
      const keyframe = this.keyframes?.before(target);
      const forward = target >= this.applied;
      if (!forward || (keyframe !== undefined && keyframe.index > this.applied)) {
        const snapshot = keyframe ? await this.keyframes?.snapshotOf(keyframe) : '';
        // Size first, then reset: a reset after shrinking leaves buffer state of the old size.
        if (keyframe) this.screen.resize(keyframe.cols, keyframe.rows);
        else {
          const h = this.recording.header;
          if (h) this.screen.resize(h.term.cols, h.term.rows);
        }
        await this.screen.reset();
        if (snapshot) await this.screen.write(snapshot);
        this.applied = keyframe ? keyframe.index : 0;
      }
      await this.applyUntil(target);
    });
    if (generation !== this.generation) return;
    if (this.state === 'ended' && t < this.getDuration()) this.setState('paused');
    this.onChange();
  }

  /** Writes events [applied, target) to the screen, output batched between resizes. */
  private async applyUntil(target: number): Promise<void> {
    if (target <= this.applied) return;
    const { codes, data } = await this.recording.read(this.applied, target);
    let batch = '';
    for (let k = 0; k < codes.length; k++) {
      const code = codes[k];
      if (code === OUTPUT) batch += data[k] as string;
      else if (code === RESIZE) {
        const size = screenSize(data[k] as string);
        if (size) {
          if (batch) await this.screen.write(batch);
          batch = '';
          this.screen.resize(size.cols, size.rows);
        }
      }
    }
    if (batch) await this.screen.write(batch);
    this.applied = Math.max(this.applied, target);
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.writing.then(work, work);
    this.writing = next.catch(() => {});
    return next;
  }

  private readonly tick = (): void => {
    if (this.state !== 'playing') return;
    let t = this.playStartedTime + ((this.now() - this.playStartedAt) / 1000) * this.speed;
    if (this.skipping) {
      const gap = this.recording.inactivity.find((g) => t > g.start && t < g.end);
      if (gap) {
        // Skip to just before the output that ends the stretch.
        t = gap.end;
        this.playStartedTime = t;
        this.playStartedAt = this.now();
      }
    }
    const duration = this.getDuration();
    const end = this.recording.complete && t >= duration;
    this.time = Math.min(t, duration);
    const target = this.recording.indexAfter(this.time);
    // A seek queued before this runs wins: this frame's target is from the clock before it.
    const generation = this.generation;
    void this.enqueue(async () => {
      if (generation === this.generation) await this.applyUntil(target);
    });
    if (end) {
      this.stopClock();
      this.setState('ended');
      return;
    }
    this.onChange();
    this.cancelFrame = this.schedule(this.tick);
  };

  private stopClock(): void {
    this.cancelFrame?.();
    this.cancelFrame = null;
  }

  /** Waits until everything asked of the screen is written. */
  settled(): Promise<void> {
    return this.writing;
  }

  private setState(state: ReplayState): void {
    this.current = state;
    this.onChange();
  }

  dispose(): void {
    this.stopClock();
    this.generation++;
  }
}
