import type { AsciicastSource } from '@auditlane/client/asciicast';
import type { ComponentPropsWithoutRef, Ref } from 'react';
import type { MessagesOverride } from '../provider/messages';
import type { SeekLocation } from './core/driver';
import type { Marker } from './core/recording';
import type { HostMarker } from './core/replayer.types';

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
  /** The speed (controlled); with `onSpeedChange`. */
  speed?: number;
  /** The speed at first (uncontrolled). Default 1. */
  defaultSpeed?: number;
  /** Called when the speed is to change (a control, a shortcut); it notifies, in both modes. */
  onSpeedChange?: (speed: number) => void;
  /**
   * Playing (controlled). Applied when it changes, once the first frame is shown; what the
   * player does on its own (the end of the recording, a live session reaching its newest
   * moment) is reported with `onPlayingChange`.
   */
  playing?: boolean;
  /** Playing at first (uncontrolled): plays once the first frame is shown. Default false. */
  defaultPlaying?: boolean;
  onPlayingChange?: (playing: boolean) => void;
  /** Inactive stretches skipped while playing (controlled). */
  skipInactivity?: boolean;
  /** Default false. */
  defaultSkipInactivity?: boolean;
  onSkipInactivityChange?: (skip: boolean) => void;
  /** Markers of the host (commands, blocked actions, reviews) at original times, seconds. */
  markers?: readonly HostMarker[];
  /** Where the first frame is taken from (the poster), a location. Default the start. */
  poster?: SeekLocation;
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
  seek(location: SeekLocation): Promise<void>;
  /** Seeks to the marker of a host event (by the marker's `id`, an event id). */
  seekToMarker(id: string): Promise<void>;
  getCurrentTime(): number;
  getDuration(): number;
  /**
   * The session's own time (seconds from its start) of a play time, idle stretches cut from the
   * play clock counted back in: a seek bar's value as a moment of the session is
   * `sessionTimeOf(value, session.startedAt)` (the inverse of `seek({ originalTime })`).
   */
  originalTimeOf(playSeconds: number): number;
  /**
   * The moment of the session a play time shows (ISO 8601): `startedAt`, the session's (the zero
   * of the markers' times), plus `originalTimeOf(playSeconds)`. A seek bar's value as the time
   * of that moment's activity:
   * `detail.seekTo({ time: player.sessionTimeOf(Number(e.target.value), session.startedAt) })`.
   * Throws a RangeError naming `startedAt` when it is not a time.
   */
  sessionTimeOf(playSeconds: number, startedAt: string): string;
}

export interface ReplayRootProps
  extends UseReplayOptions,
    Omit<ComponentPropsWithoutRef<'div'>, 'onError' | 'defaultValue'> {
  /** Renders the host's own element (its only child) instead of a `div`. */
  asChild?: boolean;
  /** The player's imperative handle. */
  handleRef?: Ref<ReplayHandle>;
  /** Accessible name of the player. Default `messages.replay.label` ("Terminal recording"). */
  'aria-label'?: string;
  /** Called with the marker whose time the player passed last (the activity log highlights it). */
  onMarkerChange?: (marker: Marker | null) => void;
  /**
   * Translations (the `replay` group), merged over the provider's messages. Keep the object
   * stable (a constant, or memoised).
   */
  messages?: MessagesOverride;
}

export interface ReplayPlayerProps extends UseReplayOptions {
  /** The player's imperative handle. */
  ref?: Ref<ReplayHandle>;
  className?: string;
  /** Accessible name of the player. Default `messages.replay.label` ("Terminal recording"). */
  'aria-label'?: string;
  /** Called with the marker whose time the player passed last (the activity log highlights it). */
  onMarkerChange?: (marker: Marker | null) => void;
  /**
   * Translations (the `replay` group), merged over the provider's messages. Keep the object
   * stable (a constant, or memoised).
   */
  messages?: MessagesOverride;
}
