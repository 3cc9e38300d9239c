import type { AsciicastSource } from '@auditlane/client/asciicast';
import type { Marker } from './core/recording';

export type { Marker };

export interface UseReplayOptions {
  /** The recording: asciicast v2/v3 text, a stream or async iterable of it. */
  src?: AsciicastSource | null;
  /** Or a session whose recording the provider's client streams (`GET …/recording`). */
  sessionId?: string | null;
  /**
   * With `sessionId`: follow the session while it is active — its terminal events are read from
   * the start, then new ones arrive over SSE and the player, when at the end, shows them as they
   * come. `jumpToLive()` returns there. Default false.
   */
  live?: boolean;
  /** Seconds an idle stretch is cut to (default: the recording's own limit, else none). */
  idleTimeLimit?: number;
  /** Initial speed. Default 1. */
  speed?: number;
  /** Markers of the host (commands, blocked actions, reviews) at original times, seconds. */
  markers?: readonly (Omit<Marker, 'time'> & { originalTime: number })[];
  /** Start playing once the first frame is shown. Default false. */
  autoPlay?: boolean;
  /** Where the first frame is taken from (the poster), a location. Default the start. */
  poster?: import('./core/driver').SeekLocation;
  /** Output between keyframes at first (UTF-16 units; spacing then adapts). Default 32 K. */
  keyframeSpacing?: number;
  /**
   * Take keyframes in a worker (default true). The worker starts from a Blob URL: a Content
   * Security Policy needs `worker-src blob:`, else (or with false) they are taken on this thread.
   */
  worker?: boolean;
  /** Called when a recording is malformed or truncated: it plays up to the damage. */
  onError?: (error: Error) => void;
}

/** The player's imperative handle: continuous state (time) is read, not rendered as a prop. */
export interface ReplayHandle {
  play(): void;
  pause(): void;
  seek(location: import('./core/driver').SeekLocation): Promise<void>;
  /** Seeks to the marker of a host event (by the marker's `id`, an event id). */
  seekToMarker(id: string): Promise<void>;
  getCurrentTime(): number;
  getDuration(): number;
}

export interface ReplayPlayerProps extends UseReplayOptions {
  ref?: import('react').Ref<ReplayHandle>;
  className?: string;
  /** Accessible name of the player. Default "Terminal recording". */
  'aria-label'?: string;
  /** Called with the marker whose time the player passed last (the activity log highlights it). */
  onMarkerChange?: (marker: Marker | null) => void;
}
