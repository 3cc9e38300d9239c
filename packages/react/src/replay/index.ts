'use client';
/**
 * `ReplayPlayer` and its parts, `useReplay`, `createReplayer`, `useActivityMarkers` (the seek
 * bar's markers from the server's activity): terminal recordings on xterm.js
 */
export { type ReplayClock, systemClock } from './core/clock';
export { ReplayDriver, type ReplayState, type SeekLocation, SPEEDS } from './core/driver';
export { type Keyframe, KeyframeIndex, type ScanHost } from './core/keyframes';
export { type Inactivity, type Marker, Recording } from './core/recording';
export { createReplayer, REPLAYER_TRANSITIONS } from './core/replayer';
export type {
  HostMarker,
  Replayer,
  ReplayerAction,
  ReplayerOptions,
  ReplayerState,
  ReplayerTerminal,
  ReplaySearch,
  ReplaySnapshot,
  TerminalSize,
} from './core/replayer.types';
export {
  asciicastSource,
  liveSessionSource,
  type ReplaySource,
  sessionRecordingSource,
} from './core/source';
export type { ReplayTerminal, SnapshotTerminal } from './core/terminal';
export type { SearchHit } from './core/text-search';
export {
  type ActivityMarker,
  type ActivityMarkers,
  activityEntryMarkers,
  activityMarkers,
  type LoadActivityMarkersOptions,
  loadActivityMarkers,
} from './markers';
export { replayDefaults } from './replay.messages';
export type {
  ReplayHandle,
  ReplayPlayerProps,
  ReplayRootProps,
  UseReplayOptions,
} from './replay.types';
export { ReplayPlayer } from './replay-player';
export type { MarksProps, SearchResultsProps, SpeedProps } from './replay-player.parts';
export {
  type UseActivityMarkersOptions,
  type UseActivityMarkersResult,
  useActivityMarkers,
} from './use-activity-markers';
export { type UseReplayResult, useReplay } from './use-replay';
export { createScanHost, type ScanHostOptions } from './view/scan-host';
export { createXtermScreen, safeLink, type XtermScreen } from './view/xterm-screen';
