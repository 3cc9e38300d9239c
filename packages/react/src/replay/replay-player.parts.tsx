/**
 * The player's parts: `Root` holds the player (a `useReplay`) and shares it through context;
 * the others render one element each from it. No presentational styles here (the default
 * composition, `ReplayPlayer`, adds the classes of `styles.css`). `asChild` renders the host's
 * own element (its only child) with the part's props and behaviour; refs reach the DOM node.
 */
import { Slot } from 'radix-ui/slot';
import {
  type ComponentPropsWithoutRef,
  createContext,
  type ElementType,
  forwardRef,
  type KeyboardEvent,
  type ReactNode,
  type Ref,
  type SyntheticEvent,
  useContext,
  useEffect,
  useImperativeHandle,
  useMemo,
  useState,
} from 'react';
import { useMessages } from '../provider/auditlane-provider';
import { SPEEDS } from './core/driver';
import { type ReplayMessages, replayDefaults } from './replay.messages';
import type { ReplayRootProps } from './replay.types';
import { type UseReplayResult, useReplay } from './use-replay';

interface ReplayContextValue {
  replay: UseReplayResult;
  /** The player's strings (`messages.replay`). */
  m: ReplayMessages;
  /** The first frame is shown: the controls apply. */
  ready: boolean;
  query: string;
  setQuery: (query: string) => void;
}

const ReplayContext = createContext<ReplayContextValue | null>(null);

function useReplayPart(part: string): ReplayContextValue {
  const value = useContext(ReplayContext);
  if (!value) throw new Error(`ReplayPlayer.${part} must be used within ReplayPlayer.Root`);
  return value;
}

/** The host's handler first; the part's unless the host called `preventDefault()`. */
function compose<E extends SyntheticEvent>(
  theirs: ((event: E) => void) | undefined,
  ours: (event: E) => void,
): (event: E) => void {
  return (event) => {
    theirs?.(event);
    if (!event.defaultPrevented) ours(event);
  };
}

function setRef<T>(ref: Ref<T> | undefined, value: T | null): void {
  if (typeof ref === 'function') ref(value);
  else if (ref) (ref as { current: T | null }).current = value;
}

function element<T extends ElementType>(asChild: boolean | undefined, tag: T): T {
  return (asChild ? Slot : tag) as T;
}

/**
 * The player: a region that takes its keyboard shortcuts (Space/K play, ←/→ 5 s, [ / ]
 * markers, + / − speed, 0–9 jump to 0–90%), `data-state` the replayer's state.
 */
export const Root = forwardRef<HTMLDivElement, ReplayRootProps>(function ReplayRoot(props, ref) {
  const {
    src,
    sessionId,
    live,
    idleTimeLimit,
    speed,
    defaultSpeed,
    onSpeedChange,
    playing,
    defaultPlaying,
    onPlayingChange,
    skipInactivity,
    defaultSkipInactivity,
    onSkipInactivityChange,
    markers,
    poster,
    keyframeSpacing,
    worker,
    onError,
    asChild,
    handleRef,
    onMarkerChange,
    onKeyDown,
    messages,
    children,
    ...rest
  } = props;
  const m = useMessages(replayDefaults, messages).replay;
  const replay = useReplay({
    src,
    sessionId,
    live,
    idleTimeLimit,
    speed,
    defaultSpeed,
    onSpeedChange,
    playing,
    defaultPlaying,
    onPlayingChange,
    skipInactivity,
    defaultSkipInactivity,
    onSkipInactivityChange,
    markers,
    poster,
    keyframeSpacing,
    worker,
    onError,
  });
  const { snapshot } = replay;
  useImperativeHandle(
    handleRef,
    () => ({
      play: replay.play,
      pause: replay.pause,
      seek: replay.seek,
      seekToMarker: (id: string) => {
        const marker = replay.snapshot.markers.find((m) => m.id === id);
        return marker ? replay.seek(marker.time) : Promise.resolve();
      },
      getCurrentTime: replay.getCurrentTime,
      getDuration: replay.getDuration,
      originalTimeOf: replay.originalTimeOf,
      sessionTimeOf: replay.sessionTimeOf,
    }),
    [replay],
  );
  const { markers: all, currentTime, state } = snapshot;
  const current = useMemo(() => {
    let last = null;
    for (const m of all) if (m.time <= currentTime + 0.001) last = m;
    return last;
  }, [all, currentTime]);
  useEffect(() => {
    onMarkerChange?.(current);
  }, [current, onMarkerChange]);

  const [query, setQuery] = useState('');
  const ready = state !== 'idle' && state !== 'loading' && state !== 'error';
  const value = useMemo(() => ({ replay, m, ready, query, setQuery }), [replay, m, ready, query]);

  const shortcuts = (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.target as HTMLElement).closest('input, select, textarea, button')) return;
    // Ctrl, Cmd and Alt combinations are the browser's and the host's (zoom, Back, Ctrl+K).
    if (event.ctrlKey || event.metaKey || event.altKey) return;
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
  const Comp = element(asChild, 'div');
  return (
    <ReplayContext.Provider value={value}>
      <Comp
        ref={ref}
        role="region"
        aria-label={props['aria-label'] ?? m.label}
        aria-keyshortcuts="Space K ArrowLeft ArrowRight [ ] + -"
        tabIndex={0}
        {...rest}
        data-state={state}
        onKeyDown={compose(onKeyDown, shortcuts)}
      >
        {children}
      </Comp>
    </ReplayContext.Provider>
  );
});

type DivProps = ComponentPropsWithoutRef<'div'> & { asChild?: boolean };
type ButtonProps = ComponentPropsWithoutRef<'button'> & { asChild?: boolean };

/** Where the terminal is mounted (hidden from assistive technology: the search reads it). */
export const Viewport = forwardRef<HTMLDivElement, DivProps>(function ReplayViewport(
  { asChild, ...props },
  ref,
) {
  const { replay } = useReplayPart('Viewport');
  const Comp = element(asChild, 'div');
  return (
    <Comp
      aria-hidden="true"
      {...props}
      data-state={replay.snapshot.state}
      ref={(node: HTMLDivElement | null) => {
        replay.containerRef.current = node;
        setRef(ref, node);
      }}
    />
  );
});

/** Shown while the recording loads (`role="status"`). Children default `messages.replay.loading`. */
export const Loading = forwardRef<HTMLParagraphElement, ComponentPropsWithoutRef<'p'>>(
  function ReplayLoading({ children, ...props }, ref) {
    const { replay, m } = useReplayPart('Loading');
    const { state } = replay.snapshot;
    if (state !== 'idle' && state !== 'loading') return null;
    return (
      <p role="status" {...props} ref={ref}>
        {children ?? m.loading}
      </p>
    );
  },
);

/**
 * Why the recording stopped early and where, or why it cannot be played (`role="alert"`,
 * `data-state="error"` then, else `"damaged"`); nothing for a sound recording.
 */
export const Damage = forwardRef<HTMLParagraphElement, ComponentPropsWithoutRef<'p'>>(
  function ReplayDamage({ children, ...props }, ref) {
    const { replay, m } = useReplayPart('Damage');
    const { damage, state } = replay.snapshot;
    if (!damage) return null;
    return (
      <p role="alert" {...props} ref={ref} data-state={state === 'error' ? 'error' : 'damaged'}>
        {children ??
          (state === 'error'
            ? m.cannotPlay(damage.message)
            : m.damaged(m.clock(damage.time), damage.message, damage.time))}
      </p>
    );
  },
);

/**
 * Plays or pauses; `data-state="playing|paused"`. Children default an SVG icon named Play or
 * Pause; a host's own children name the button themselves.
 */
export const PlayButton = forwardRef<HTMLButtonElement, ButtonProps>(function ReplayPlayButton(
  { asChild, onClick, children, ...props },
  ref,
) {
  const { replay, m, ready } = useReplayPart('PlayButton');
  const { state } = replay.snapshot;
  const playing = state === 'playing' || state === 'live';
  const Comp = element(asChild, 'button');
  return (
    <Comp
      type="button"
      // Named by its icon's meaning; a host's own content names it instead.
      aria-label={children == null ? (playing ? m.pause : m.play) : undefined}
      disabled={!ready}
      {...props}
      ref={ref}
      data-state={playing ? 'playing' : 'paused'}
      data-disabled={ready ? undefined : ''}
      onClick={compose(onClick, () => replay.toggle())}
    >
      {children ?? <Icon shape={playing ? 'pause' : 'play'} />}
    </Comp>
  );
});

interface MarkerButtonProps extends ButtonProps {
  direction: 'prev' | 'next';
  part: string;
}

const MarkerButton = forwardRef<HTMLButtonElement, MarkerButtonProps>(function ReplayMarkerButton(
  { asChild, onClick, children, direction, part, ...props },
  ref,
) {
  const { replay, m, ready } = useReplayPart(part);
  const Comp = element(asChild, 'button');
  return (
    <Comp
      type="button"
      aria-label={
        children != null ? undefined : direction === 'prev' ? m.previousMarker : m.nextMarker
      }
      disabled={!ready}
      {...props}
      ref={ref}
      data-disabled={ready ? undefined : ''}
      onClick={compose(onClick, () => void replay.seek({ marker: direction }))}
    >
      {children ?? <Icon shape={direction === 'prev' ? 'previous' : 'next'} />}
    </Comp>
  );
});

/** Seeks to the previous marker (or the start). */
export const PreviousMarker = forwardRef<HTMLButtonElement, ButtonProps>(
  function ReplayPreviousMarker(props, ref) {
    return <MarkerButton {...props} ref={ref} direction="prev" part="PreviousMarker" />;
  },
);

/** Seeks to the next marker. */
export const NextMarker = forwardRef<HTMLButtonElement, ButtonProps>(
  function ReplayNextMarker(props, ref) {
    return <MarkerButton {...props} ref={ref} direction="next" part="NextMarker" />;
  },
);

/** The seek bar's box: children default `<Seek />` and `<Marks />`. */
export const Timeline = forwardRef<HTMLDivElement, DivProps>(function ReplayTimeline(
  { asChild, children, ...props },
  ref,
) {
  const { replay } = useReplayPart('Timeline');
  const Comp = element(asChild, 'div');
  return (
    <Comp {...props} ref={ref} data-state={replay.snapshot.state}>
      {children ?? (
        <>
          <Seek />
          <Marks />
        </>
      )}
    </Comp>
  );
});

/** The seek slider (a range input). */
export const Seek = forwardRef<HTMLInputElement, ComponentPropsWithoutRef<'input'>>(
  function ReplaySeek({ onChange, ...props }, ref) {
    const { replay, m, ready } = useReplayPart('Seek');
    const { currentTime, duration } = replay.snapshot;
    return (
      <input
        type="range"
        aria-label={m.seek}
        min={0}
        max={Math.max(duration, 0.001)}
        step={0.01}
        value={Math.min(currentTime, duration)}
        aria-valuetext={m.seekValue(m.clock(currentTime), m.clock(duration), currentTime, duration)}
        disabled={!ready}
        {...props}
        ref={ref}
        onChange={compose(onChange, (e) => void replay.seek(Number(e.target.value)))}
      />
    );
  },
);

export interface MarksProps extends ComponentPropsWithoutRef<'div'> {
  /** Class of each idle stretch (`data-part="idle"`). */
  idleClassName?: string;
  /** Class of each marker (`data-part="marker"`, `data-kind` its kind). */
  markerClassName?: string;
}

/** Idle stretches and markers over the seek bar, positioned in percent of the duration. */
export const Marks = forwardRef<HTMLDivElement, MarksProps>(function ReplayMarks(
  { idleClassName, markerClassName, ...props },
  ref,
) {
  const { replay } = useReplayPart('Marks');
  const { inactivity, markers, duration } = replay.snapshot;
  const span = Math.max(duration, 0.001);
  return (
    <div aria-hidden="true" {...props} ref={ref}>
      {inactivity.map((gap) => (
        <span
          key={`gap-${gap.start}`}
          className={idleClassName}
          data-part="idle"
          style={{
            left: `${(gap.start / span) * 100}%`,
            width: `${((gap.end - gap.start) / span) * 100}%`,
          }}
        />
      ))}
      {markers.map((m, i) => (
        <span
          // biome-ignore lint/suspicious/noArrayIndexKey: markers may share a time.
          key={`${m.time}-${i}`}
          className={markerClassName}
          data-part="marker"
          data-kind={m.kind}
          title={m.label}
          style={{ left: `${(m.time / span) * 100}%` }}
        />
      ))}
    </div>
  );
});

/** "current / duration". */
export const Time = forwardRef<HTMLSpanElement, ComponentPropsWithoutRef<'span'>>(
  function ReplayTime(props, ref) {
    const { replay, m } = useReplayPart('Time');
    const { currentTime, duration } = replay.snapshot;
    return (
      <span aria-live="off" {...props} ref={ref}>
        {m.time(m.clock(currentTime), m.clock(duration), currentTime, duration)}
      </span>
    );
  },
);

/** `messages.replay.live`, shown while a live session plays at its newest moment (`data-state="live"`). */
export const LiveBadge = forwardRef<HTMLSpanElement, ComponentPropsWithoutRef<'span'>>(
  function ReplayLiveBadge({ children, ...props }, ref) {
    const { replay, m } = useReplayPart('LiveBadge');
    if (replay.snapshot.state !== 'live') return null;
    return (
      <span {...props} ref={ref} data-state="live">
        {children ?? m.live}
      </span>
    );
  },
);

/** Back to the newest moment of a live session; shown for a live session away from it. */
export const JumpToLive = forwardRef<HTMLButtonElement, ButtonProps>(function ReplayJumpToLive(
  { asChild, onClick, children, ...props },
  ref,
) {
  const { replay, m, ready } = useReplayPart('JumpToLive');
  const { live, state } = replay.snapshot;
  if (!live || state === 'live') return null;
  const Comp = element(asChild, 'button');
  return (
    <Comp
      type="button"
      disabled={!ready}
      {...props}
      ref={ref}
      data-disabled={ready ? undefined : ''}
      onClick={compose(onClick, () => void replay.jumpToLive())}
    >
      {children ?? m.jumpToLive}
    </Comp>
  );
});

/** Toggles skipping idle stretches (`aria-pressed`, `data-state="on|off"`). */
export const SkipInactivity = forwardRef<HTMLButtonElement, ButtonProps>(
  function ReplaySkipInactivity({ asChild, onClick, children, ...props }, ref) {
    const { replay, m, ready } = useReplayPart('SkipInactivity');
    const enabled = ready && replay.snapshot.inactivity.length > 0;
    const Comp = element(asChild, 'button');
    return (
      <Comp
        type="button"
        aria-pressed={replay.skipInactivity}
        disabled={!enabled}
        {...props}
        ref={ref}
        data-state={replay.skipInactivity ? 'on' : 'off'}
        data-disabled={enabled ? undefined : ''}
        onClick={compose(onClick, () => replay.setSkipInactivity((skip) => !skip))}
      >
        {children ?? m.skipInactivity}
      </Comp>
    );
  },
);

export interface SpeedProps extends Omit<ComponentPropsWithoutRef<'select'>, 'value'> {
  /** The speeds offered. Default 0.5, 1, 1.5, 2, 4, 8. */
  speeds?: readonly number[];
}

/** The speed (a select named `messages.replay.speed`); the player's `speed` / `onSpeedChange` apply. */
export const Speed = forwardRef<HTMLSelectElement, SpeedProps>(function ReplaySpeed(
  { speeds = SPEEDS, onChange, ...props },
  ref,
) {
  const { replay, m, ready } = useReplayPart('Speed');
  const offered = speeds.includes(replay.speed)
    ? speeds
    : [...speeds, replay.speed].sort((a, b) => a - b);
  return (
    <select
      aria-label={m.speed}
      disabled={!ready}
      {...props}
      ref={ref}
      value={replay.speed}
      onChange={compose(onChange, (e) => replay.setSpeed(Number(e.target.value)))}
    >
      {offered.map((s) => (
        <option key={s} value={s}>
          {m.speedOption(s)}
        </option>
      ))}
    </select>
  );
});

/** The search form (`role="search"`): children default `<SearchInput />` and `<SearchSubmit />`. */
export const Search = forwardRef<HTMLFormElement, ComponentPropsWithoutRef<'form'>>(
  function ReplaySearch({ onSubmit, children, ...props }, ref) {
    const { replay, m, query } = useReplayPart('Search');
    return (
      // biome-ignore lint/a11y/useSemanticElements: <search> is not in every browser this supports.
      <form
        role="search"
        aria-label={m.search}
        {...props}
        ref={ref}
        onSubmit={compose(onSubmit, (e) => {
          e.preventDefault();
          // The newest search is shown (`snapshot.search`); a failed one shows no hits.
          replay.search(query).catch(() => {});
        })}
      >
        {children ?? (
          <>
            <SearchInput />
            <SearchSubmit />
          </>
        )}
      </form>
    );
  },
);

/** The search text (named `messages.replay.searchInput`). */
export const SearchInput = forwardRef<HTMLInputElement, ComponentPropsWithoutRef<'input'>>(
  function ReplaySearchInput({ onChange, ...props }, ref) {
    const { m, query, setQuery, ready } = useReplayPart('SearchInput');
    return (
      <input
        type="search"
        aria-label={m.searchInput}
        placeholder={m.searchPlaceholder}
        disabled={!ready}
        {...props}
        ref={ref}
        value={query}
        onChange={compose(onChange, (e) => setQuery(e.target.value))}
      />
    );
  },
);

/** Submits the search (`messages.replay.searchSubmit`). */
export const SearchSubmit = forwardRef<HTMLButtonElement, ButtonProps>(function ReplaySearchSubmit(
  { asChild, children, ...props },
  ref,
) {
  const { m, query, ready } = useReplayPart('SearchSubmit');
  const Comp = element(asChild, 'button');
  return (
    <Comp type="submit" disabled={!ready || !query} {...props} ref={ref}>
      {children ?? m.searchSubmit}
    </Comp>
  );
});

export interface SearchResultsProps extends ComponentPropsWithoutRef<'ol'> {
  /** Class of each hit's seek button. */
  hitButtonClassName?: string;
  /** Class of each hit's context text. */
  hitClassName?: string;
  /** Shown when nothing matched. Default `messages.replay.noMatch`. */
  empty?: ReactNode;
}

/** The newest search's hits, each a button seeking to it (`data-state="searching|done"`). */
export const SearchResults = forwardRef<HTMLOListElement, SearchResultsProps>(
  function ReplaySearchResults({ hitButtonClassName, hitClassName, empty, ...props }, ref) {
    const { replay, m } = useReplayPart('SearchResults');
    const search = replay.snapshot.search;
    if (!search) return null;
    const hits = search.hits;
    return (
      <ol
        aria-label={m.searchResults}
        {...props}
        ref={ref}
        data-state={hits ? 'done' : 'searching'}
        aria-busy={hits ? undefined : true}
      >
        {hits && hits.length === 0 ? <li>{empty ?? m.noMatch}</li> : null}
        {(hits ?? []).map((hit, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: hits may repeat.
          <li key={i}>
            <button
              type="button"
              className={hitButtonClassName}
              onClick={() => void replay.seek(hit.time)}
            >
              {m.hit(m.clock(hit.time), hit.time)}
            </button>{' '}
            <span className={hitClassName}>{hit.context}</span>
          </li>
        ))}
      </ol>
    );
  },
);

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
