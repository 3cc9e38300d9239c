'use client';
export { ReplayDriver, type ReplayState, type SeekLocation, SPEEDS } from './core/driver';
export { type Keyframe, KeyframeIndex } from './core/keyframes';
export { type Inactivity, type Marker, Recording } from './core/recording';
export type { ReplayTerminal, SnapshotTerminal } from './core/terminal';
export type { ReplayPlayerProps, UseReplayOptions } from './replay.types';
export { ReplayPlayer } from './replay-player';
export { type ReplaySnapshot, type SearchHit, type UseReplayResult, useReplay } from './use-replay';
export { safeLink } from './view/xterm-screen';
