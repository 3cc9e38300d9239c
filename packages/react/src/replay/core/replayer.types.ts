import type { TerminalSize } from '@auditlane/client/asciicast';
import type { ReplayClock } from './clock';
import type { SeekLocation } from './driver';
import type { ScanHost } from './keyframes';
import type { Inactivity, Marker } from './recording';
import type { ReplaySource } from './source';
import type { ReplayTerminal } from './terminal';
import type { SearchHit } from './text-search';

/**
 * Where a replayer is:
 * - `idle`: created, nothing read yet (`load()` starts);
 * - `loading`: reading the header, opening the terminal;
 * - `scanning`: the first frame is shown and the replayer can play and seek, while the rest of
 *   the recording arrives and keyframes are taken;
 * - `ready`: all of it is in and seekable, not played yet;
 * - `playing`, `paused`, `ended` (at the end of a finished recording);
 * - `live`: playing at the newest moment of a session followed live (`source.live`, until the
 *   session ends: its stream closes, and the player goes on to `ended`);
 * - `error`: the recording cannot be played (`damage` says why).
 */
export type ReplayerState =
  | 'idle'
  | 'loading'
  | 'scanning'
  | 'ready'
  | 'playing'
  | 'paused'
  | 'ended'
  | 'live'
  | 'error';

/** What a host can ask of a replayer (see `REPLAYER_TRANSITIONS`). */
export type ReplayerAction =
  | 'load'
  | 'play'
  | 'pause'
  | 'toggle'
  | 'seek'
  | 'search'
  | 'setSpeed'
  | 'setSkipInactivity'
  | 'setMarkers'
  | 'jumpToLive'
  | 'dispose';

/** A host's marker (a command, a blocked action, a review), at its original time in seconds. */
export type HostMarker = Omit<Marker, 'time'> & { originalTime: number };

export interface ReplaySearch {
  query: string;
  /** Null while the search runs. */
  hits: SearchHit[] | null;
}

export interface ReplaySnapshot {
  state: ReplayerState;
  /** Play time shown, seconds. */
  currentTime: number;
  duration: number;
  speed: number;
  /** Inactive stretches are skipped while playing. */
  skipInactivity: boolean;
  /** The recording's markers and the host's, in time order. */
  markers: readonly Marker[];
  inactivity: readonly Inactivity[];
  /** The whole recording has arrived and every point is seekable through keyframes. */
  complete: boolean;
  /** Why the recording stopped early (or, in state `error`, why it cannot be played), and where. */
  damage: { message: string; time: number } | null;
  /** Where keyframes are taken: a worker, this thread, or not yet known. */
  keyframesIn: 'worker' | 'thread' | null;
  /**
   * The source follows a live session (`jumpToLive` applies); false once its stream has ended
   * (the session ended while it was followed): the recording is then complete, played to its end.
   */
  live: boolean;
  /** The newest search and its hits; null before any, or after an empty query. */
  search: ReplaySearch | null;
}

export type { TerminalSize };

/** The terminal a replayer writes to, made once the header says its size. */
export type ReplayerTerminal = ReplayTerminal & { dispose?(): void };

export interface ReplayerOptions {
  source: ReplaySource;
  /** Makes the terminal the replayer shows the recording on (xterm.js in a browser). */
  terminal: (size: TerminalSize) => ReplayerTerminal | Promise<ReplayerTerminal>;
  /**
   * Makes the host that takes keyframes (a worker, or this thread). Started once the first
   * frame is painted; `kind` is reported in the snapshot's `keyframesIn`.
   */
  scanHost: (
    size: TerminalSize,
  ) =>
    | Promise<ScanHost & { kind?: 'worker' | 'thread' }>
    | (ScanHost & { kind?: 'worker' | 'thread' });
  /** Default: the platform's clock (`systemClock()`). */
  clock?: ReplayClock;
  /** Seconds an idle stretch is cut to (default: the recording's own limit, else none). */
  idleTimeLimit?: number;
  /** Default 1. */
  speed?: number;
  /** Default false. */
  skipInactivity?: boolean;
  /** Play once the whole recording is in and scanned. Default false. */
  autoPlay?: boolean;
  /** Where the first frame is taken from (the poster). Default the start. */
  poster?: SeekLocation;
  markers?: readonly HostMarker[];
  /** A malformed or truncated recording (it plays up to the damage), or one that cannot play. */
  onError?: (error: Error) => void;
}

/** The replayer's handle: a store (`subscribe` / `getSnapshot`) and its actions. */
export interface Replayer {
  /** Calls `listener` after each change of the snapshot; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** The current snapshot: the same object until something changes. */
  getSnapshot(): ReplaySnapshot;
  /** Whether `action` applies in the current state (else it is a no-op). */
  can(action: ReplayerAction): boolean;
  /** Starts reading the recording (state `idle` only). */
  load(): void;
  play(): void;
  pause(): void;
  toggle(): void;
  /** Shows the screen at the location; a later seek supersedes this one. */
  seek(location: SeekLocation): Promise<void>;
  /** Where `query` appeared in the output (case-insensitive), up to `limit` hits (default 50). */
  search(query: string, limit?: number): Promise<SearchHit[]>;
  /** Throws a RangeError unless `speed` is a positive finite number. */
  setSpeed(speed: number): void;
  setSkipInactivity(skip: boolean): void;
  /** The host's markers (they may arrive after the recording). */
  setMarkers(markers: readonly HostMarker[]): void;
  /** Back to the newest moment of a live session, playing. */
  jumpToLive(): Promise<void>;
  getCurrentTime(): number;
  getDuration(): number;
  /**
   * The session's own time (seconds from its start) of a play time: idle stretches cut from
   * the play clock are counted back in. A seek bar's value as a moment of the session:
   * `sessionTimeOf(value, session.startedAt)`. The inverse of `seek({ originalTime })`.
   */
  originalTimeOf(playSeconds: number): number;
  /**
   * The moment of the session a play time shows, as an ISO 8601 time: `startedAt` (the session's,
   * ISO 8601, the zero of the markers' times) with `originalTimeOf(playSeconds)` added. A seek
   * bar's value as the time to show that moment's activity
   * (`detail.seekTo({ time: player.sessionTimeOf(value, session.startedAt) })`). Throws a
   * RangeError naming `startedAt` when it is not a time.
   */
  sessionTimeOf(playSeconds: number, startedAt: string): string;
  /** Resolves once everything asked of the terminal is written. */
  settled(): Promise<void>;
  /** Stops reading, playing and scanning, and disposes the terminal; every action is then a no-op. */
  dispose(): void;
}
