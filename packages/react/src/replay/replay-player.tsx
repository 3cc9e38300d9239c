import { forwardRef } from 'react';
import { cx } from '../internal/cx';
import type { ReplayHandle, ReplayPlayerProps } from './replay.types';
import * as Parts from './replay-player.parts';

/**
 * A terminal-recording player on xterm.js: the parts composed with the classes of
 * `styles.css` — play/pause, previous/next marker, a seek bar with markers and idle stretches,
 * live follow, time, skip idle, speed, search. Hosts that want another layout compose the parts
 * (`ReplayPlayer.Root`, `.Viewport`, `.PlayButton`, …) themselves.
 */
const DefaultReplayPlayer = forwardRef<ReplayHandle, Omit<ReplayPlayerProps, 'ref'>>(
  function ReplayPlayer({ className, ...props }, ref) {
    return (
      <Parts.Root {...props} handleRef={ref} className={cx('al-replay', className)}>
        <Parts.Viewport className="al-replay__viewport" />
        <Parts.Loading className="al-replay__message" />
        <Parts.Damage className="al-replay__message al-error" />
        <div className="al-replay__controls">
          <Parts.PlayButton className="al-button al-replay__play" />
          <Parts.PreviousMarker className="al-button" />
          <Parts.NextMarker className="al-button" />
          <Parts.Timeline className="al-replay__timeline">
            <Parts.Seek className="al-replay__seek" />
            <Parts.Marks
              className="al-replay__marks"
              idleClassName="al-replay__idle"
              markerClassName="al-replay__marker"
            />
          </Parts.Timeline>
          <Parts.LiveBadge className="al-live" />
          <Parts.JumpToLive className="al-button" />
          <Parts.Time className="al-replay__time" />
          <Parts.SkipInactivity className="al-button" />
          <Parts.Speed className="al-input" />
        </div>
        <Parts.Search className="al-replay__search">
          <Parts.SearchInput className="al-input" />
          <Parts.SearchSubmit className="al-button" />
        </Parts.Search>
        <Parts.SearchResults
          className="al-replay__hits"
          hitButtonClassName="al-link-button"
          hitClassName="al-replay__hit"
        />
      </Parts.Root>
    );
  },
);

export const ReplayPlayer = Object.assign(DefaultReplayPlayer, {
  Root: Parts.Root,
  Viewport: Parts.Viewport,
  Loading: Parts.Loading,
  Damage: Parts.Damage,
  PlayButton: Parts.PlayButton,
  PreviousMarker: Parts.PreviousMarker,
  NextMarker: Parts.NextMarker,
  Timeline: Parts.Timeline,
  Seek: Parts.Seek,
  Marks: Parts.Marks,
  Time: Parts.Time,
  LiveBadge: Parts.LiveBadge,
  JumpToLive: Parts.JumpToLive,
  SkipInactivity: Parts.SkipInactivity,
  Speed: Parts.Speed,
  Search: Parts.Search,
  SearchInput: Parts.SearchInput,
  SearchSubmit: Parts.SearchSubmit,
  SearchResults: Parts.SearchResults,
});
