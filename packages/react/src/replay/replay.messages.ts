import { deepFreeze } from '../provider/deep-freeze';
import type { Messages } from '../provider/messages';

/** m:ss, or h:mm:ss from an hour. */
const clock = (seconds: number) => {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
};

const searchRecording = 'Search the recording';

/** The replay player's strings (`ReplayPlayer` and its parts). */
export interface ReplayMessages {
  /** The player's accessible name. */
  label: string;
  /**
   * A play time, seconds: "1:05", "1:02:03". Every time the player shows goes through it: the
   * messages below get its strings (`at`, `current`, `duration`), then the seconds.
   */
  clock: (seconds: number) => string;
  loading: string;
  /** The recording cannot be played at all (`message`: the reader's reason). */
  cannotPlay: (message: string) => string;
  /** The recording stops early at `at` (`clock(seconds)`; it plays up to there). */
  damaged: (at: string, message: string, seconds: number) => string;
  play: string;
  pause: string;
  previousMarker: string;
  nextMarker: string;
  /** The seek slider's name, and its value ("0:05 of 1:00"). */
  seek: string;
  seekValue: (
    current: string,
    duration: string,
    currentSeconds: number,
    durationSeconds: number,
  ) => string;
  /** The time shown beside the seek bar ("0:05 / 1:00"), from `clock`'s strings. */
  time: (
    current: string,
    duration: string,
    currentSeconds: number,
    durationSeconds: number,
  ) => string;
  /** The badge while a live session plays at its newest moment. */
  live: string;
  jumpToLive: string;
  skipInactivity: string;
  speed: string;
  /** A speed of the speed select ("1.5×"). */
  speedOption: (speed: number) => string;
  search: string;
  searchInput: string;
  searchPlaceholder: string;
  searchSubmit: string;
  searchResults: string;
  noMatch: string;
  /** A hit's seek button: where the text appeared (`at`: `clock(seconds)`, "1:05"). */
  hit: (at: string, seconds: number) => string;
}

/** The `replay` group in English (frozen). */
export const replayMessages: ReplayMessages = /* @__PURE__ */ deepFreeze<ReplayMessages>({
  label: 'Terminal recording',
  clock,
  loading: 'Loading recording…',
  cannotPlay: (message) => `The recording cannot be played: ${message}`,
  damaged: (at, message) => `The recording stops at ${at}: ${message}`,
  play: 'Play',
  pause: 'Pause',
  previousMarker: 'Previous marker',
  nextMarker: 'Next marker',
  seek: 'Seek',
  seekValue: (current, duration) => `${current} of ${duration}`,
  time: (current, duration) => `${current} / ${duration}`,
  live: 'live',
  jumpToLive: 'Jump to live',
  skipInactivity: 'Skip idle',
  speed: 'Speed',
  speedOption: (speed) => `${speed}×`,
  search: searchRecording,
  searchInput: searchRecording,
  searchPlaceholder: searchRecording,
  searchSubmit: 'Find',
  searchResults: 'Search results',
  noMatch: 'No match',
  hit: (at) => at,
});

/** ReplayPlayer's messages (its `useMessages` result). */
export type ReplayMessageGroups = Pick<Messages, 'replay'>;

/** ReplayPlayer's English: the group it shows. */
export const replayDefaults: ReplayMessageGroups = /* @__PURE__ */ deepFreeze({
  replay: replayMessages,
});
