import {
  type KeyboardEvent,
  useEffect,
  useId,
  useImperativeHandle,
  useMemo,
  useRef,
  useState,
} from 'react';
import { cx } from '../internal/cx';
import { SPEEDS } from './core/driver';
import type { ReplayPlayerProps } from './replay.types';
import { type SearchHit, useReplay } from './use-replay';

function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/**
 * A terminal-recording player on xterm.js: play/pause, speed, a seek bar with markers and idle
 * stretches, previous/next marker, search in the recording, keyboard shortcuts (Space/K play,
 * ←/→ 5 s, [ / ] markers, + / − speed, 0–9 jump to 0–90%). The terminal is loaded on demand.
 */
export function ReplayPlayer(props: ReplayPlayerProps) {
  const replay = useReplay(props);
  const { snapshot } = replay;
  useImperativeHandle(
    props.ref,
    () => ({
      play: replay.play,
      pause: replay.pause,
      seek: replay.seek,
      seekToMarker: (id: string) => {
        const marker = replay.snapshot.markers.find((m) => m.id === id);
        return marker ? replay.seek(marker.time) : Promise.resolve();
      },
      getCurrentTime: () => replay.getCurrentTime(),
      getDuration: () => replay.getDuration(),
    }),
    [replay],
  );
  const { state, currentTime, duration, markers, inactivity, speed } = snapshot;
  const searchId = useId();
  const searchRun = useRef(0);
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);

  const current = useMemo(() => {
    let last = null;
    for (const m of markers) if (m.time <= currentTime + 0.001) last = m;
    return last;
  }, [markers, currentTime]);
  const onMarkerChange = props.onMarkerChange;
  useEffect(() => {
    onMarkerChange?.(current);
  }, [current, onMarkerChange]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.target as HTMLElement).closest('input, select, textarea, button')) return;
    const key = event.key;
    if (key === ' ' || key === 'k') replay.toggle();
    else if (key === 'ArrowRight') void replay.seek(currentTime + 5);
    else if (key === 'ArrowLeft') void replay.seek(currentTime - 5);
    else if (key === ']') void replay.seek({ marker: 'next' });
    else if (key === '[') void replay.seek({ marker: 'prev' });
    else if (key === '+' || key === '=') replay.faster();
    else if (key === '-') replay.slower();
    else if (/^[0-9]$/.test(key)) void replay.seek(`${Number(key) * 10}%`);
    else return;
    event.preventDefault();
  };

  const ready = state !== 'loading' && state !== 'error';
  return (
    // biome-ignore lint/a11y/useSemanticElements: a player region with its own shortcuts.
    <div
      className={cx('al-replay', props.className)}
      data-state={state}
      role="region"
      aria-label={props['aria-label'] ?? 'Terminal recording'}
      aria-keyshortcuts="Space K ArrowLeft ArrowRight [ ] + -"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the region takes the player's shortcuts.
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div className="al-replay__viewport" ref={replay.containerRef} aria-hidden="true" />
      {state === 'loading' ? (
        <p className="al-replay__message" role="status">
          Loading recording…
        </p>
      ) : null}
      {snapshot.damage ? (
        <p className="al-replay__message al-error" role="alert">
          {state === 'error'
            ? 'The recording cannot be played'
            : `The recording stops at ${clock(snapshot.damage.time)}`}
          : {snapshot.damage.message}
        </p>
      ) : null}
      <div className="al-replay__controls">
        <button
          type="button"
          className="al-button al-replay__play"
          onClick={replay.toggle}
          disabled={!ready}
          aria-label={state === 'playing' ? 'Pause' : 'Play'}
        >
          <Icon shape={state === 'playing' ? 'pause' : 'play'} />
        </button>
        <button
          type="button"
          className="al-button"
          onClick={() => void replay.seek({ marker: 'prev' })}
          disabled={!ready}
          aria-label="Previous marker"
        >
          <Icon shape="previous" />
        </button>
        <button
          type="button"
          className="al-button"
          onClick={() => void replay.seek({ marker: 'next' })}
          disabled={!ready}
          aria-label="Next marker"
        >
          <Icon shape="next" />
        </button>
        <div className="al-replay__timeline">
          <input
            type="range"
            className="al-replay__seek"
            aria-label="Seek"
            min={0}
            max={Math.max(duration, 0.001)}
            step={0.01}
            value={Math.min(currentTime, duration)}
            aria-valuetext={`${clock(currentTime)} of ${clock(duration)}`}
            disabled={!ready}
            onChange={(e) => void replay.seek(Number(e.target.value))}
          />
          <div className="al-replay__marks" aria-hidden="true">
            {inactivity.map((gap) => (
              <span
                key={`gap-${gap.start}`}
                className="al-replay__idle"
                style={{
                  left: `${(gap.start / Math.max(duration, 0.001)) * 100}%`,
                  width: `${((gap.end - gap.start) / Math.max(duration, 0.001)) * 100}%`,
                }}
              />
            ))}
            {markers.map((m, i) => (
              <span
                // biome-ignore lint/suspicious/noArrayIndexKey: markers may share a time.
                key={`${m.time}-${i}`}
                className="al-replay__marker"
                data-kind={m.kind}
                title={m.label}
                style={{ left: `${(m.time / Math.max(duration, 0.001)) * 100}%` }}
              />
            ))}
          </div>
        </div>
        {replay.live ? (
          currentTime >= duration - 1 && state === 'playing' ? (
            <span className="al-live" data-state="live">
              live
            </span>
          ) : (
            <button
              type="button"
              className="al-button"
              onClick={() => void replay.jumpToLive()}
              disabled={!ready}
            >
              Jump to live
            </button>
          )
        ) : null}
        <span className="al-replay__time" aria-live="off">
          {clock(currentTime)} / {clock(duration)}
        </span>
        <button
          type="button"
          className="al-button"
          aria-pressed={snapshot.skipInactivity}
          onClick={() => replay.setSkipInactivity(!snapshot.skipInactivity)}
          disabled={!ready || inactivity.length === 0}
        >
          Skip idle
        </button>
        <label className="al-replay__speed">
          <span className="al-visually-hidden">Speed</span>
          <select
            className="al-input"
            value={speed}
            onChange={(e) => replay.setSpeed(Number(e.target.value))}
            disabled={!ready}
          >
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: <search> is not in every browser this supports. */}
      <form
        className="al-replay__search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          // The newest search wins (an older one may take longer to read the recording).
          const id = ++searchRun.current;
          replay.search(query).then(
            (hits) => {
              if (id === searchRun.current) setHits(hits);
            },
            () => {
              if (id === searchRun.current) setHits([]);
            },
          );
        }}
      >
        <label htmlFor={searchId} className="al-visually-hidden">
          Search the recording
        </label>
        <input
          id={searchId}
          className="al-input"
          type="search"
          placeholder="Search the recording"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          disabled={!ready}
        />
        <button type="submit" className="al-button" disabled={!ready || !query}>
          Find
        </button>
      </form>
      {hits ? (
        <ol className="al-replay__hits" aria-label="Search results">
          {hits.length === 0 ? <li>No match</li> : null}
          {hits.map((hit, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: hits may repeat.
            <li key={i}>
              <button
                type="button"
                className="al-link-button"
                onClick={() => void replay.seek(hit.time)}
              >
                {clock(hit.time)}
              </button>{' '}
              <span className="al-replay__hit">{hit.context}</span>
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}

const ICONS = {
  play: 'M4 2.5v11l9.5-5.5z',
  pause: 'M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z',
  previous: 'M3 2.5h2v11H3zM13.5 2.5v11L5.5 8z',
  next: 'M11 2.5h2v11h-2zM2.5 2.5v11L10.5 8z',
} as const;

/** Control icons as SVG (a glyph such as ⏮ depends on the fonts of the viewer's system). */
function Icon({ shape }: { shape: keyof typeof ICONS }) {
  return (
    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path d={ICONS[shape]} fill="currentColor" />
    </svg>
  );
}
