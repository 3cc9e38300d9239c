import type {
  ActivityEntry,
  ActivityGrouping,
  ActivityMark,
  ActivityParams,
  ActivityType,
  AuditlaneClient,
} from '@auditlane/client';
import { asError, type LoadStatus } from './use-sessions';

/** What the activity shows: types, verdict marks, text. Empty or absent: no filter. */
export interface ActivityFilters {
  type?: readonly ActivityType[];
  verdict?: readonly ActivityMark[];
  q?: string;
}

/** Where to open the activity: the entry at or after a seq, or at or after a time (ISO). */
export type ActivitySeekTarget = { seq: number } | { time: string };

export interface ActivityWindowOptions {
  client: AuditlaneClient;
  sessionId: string;
  filters?: ActivityFilters;
  /** Runs of one statement shape as one item (`shape`, the default) or every entry (`none`). */
  group?: ActivityGrouping;
  /** Open around this target instead of at the start. */
  around?: ActivitySeekTarget | null;
  /** Items per page. Default (or 0) 100. */
  pageSize?: number;
  /** Pages kept: scrolling further drops the farthest page. Default (or 0) 5, at least 2. */
  maxPages?: number;
  /** Poll the end of the activity for new entries (an active session). Default false. */
  live?: boolean;
  /** How often a live window asks for new entries. Default (or 0) 1000 ms. */
  pollMs?: number;
}

interface WindowPage {
  items: ActivityEntry[];
  prevCursor: string | null;
  nextCursor: string | null;
  hasBefore: boolean;
  hasAfter: boolean;
}

export interface ActivityGroupMembers {
  status: LoadStatus;
  items: readonly ActivityEntry[];
  /** More members than were loaded (a group over 500 entries shows its first 500). */
  more: boolean;
  error: Error | null;
}

export interface ActivityWindowSnapshot {
  status: LoadStatus;
  error: Error | null;
  /** The items of the pages kept, in seq order. */
  items: readonly ActivityEntry[];
  /** Items before the window (not loaded, or dropped). */
  hasBefore: boolean;
  /** Items after the window (not loaded yet). */
  hasAfter: boolean;
  loadingBefore: boolean;
  loadingAfter: boolean;
  /** After a seek: seq of the item holding the entry sought. */
  anchorSeq: number | null;
  /** Counts seeks: a view scrolls to `anchorSeq` when it changes. */
  seekGeneration: number;
  /** Entries matching the filters, when the server counted them. */
  total: number | null;
  /** More entries match than `total` (the server's count stopped at its cap). */
  totalCapped: boolean;
  /** The window is polling for new entries. */
  live: boolean;
  /**
   * The window holds the activity's end and the server says the session has ended (its last
   * page has no cursor to poll from).
   */
  ended: boolean;
  /** Members of the expanded groups, by the group's id. */
  expanded: ReadonlyMap<string, ActivityGroupMembers>;
}

export interface ActivityWindow {
  subscribe(listener: () => void): () => void;
  getSnapshot(): ActivityWindowSnapshot;
  /** Loads the page after the window (dropping the first page beyond `maxPages`). */
  loadAfter(): Promise<void>;
  /** Loads the page before the window (dropping the last page beyond `maxPages`). */
  loadBefore(): Promise<void>;
  /** Opens the window around a target (the page around it replaces every page). */
  seek(target: ActivitySeekTarget): Promise<void>;
  /**
   * The first entry with `mark` after `seq` (under the filters but for the verdict filter):
   * seeks to it and returns its seq, or null when there is none.
   */
  seekNext(mark: ActivityMark, afterSeq: number): Promise<number | null>;
  /** Loads a group's members (the same filters, one item per entry). */
  expand(id: string): Promise<void>;
  collapse(id: string): void;
  /** Asks again for the items whose verdict may still change (pending), and new ones. */
  refresh(): Promise<void>;
  /** Loads the window again from where it opened. */
  reload(): void;
  /** Starts or stops polling for new entries (the window and its items stay). */
  setLive(live: boolean): void;
  dispose(): void;
}

const GROUP_LIMIT = 500;

/** A window's snapshot before its first page: loading, nothing listed. */
export function initialActivitySnapshot(): ActivityWindowSnapshot {
  return {
    status: 'loading',
    error: null,
    items: [],
    hasBefore: false,
    hasAfter: false,
    loadingBefore: false,
    loadingAfter: false,
    anchorSeq: null,
    seekGeneration: 0,
    total: null,
    totalCapped: false,
    live: false,
    ended: false,
    expanded: new Map(),
  };
}

/**
 * Runs `fn` before the browser's next frame (after the next tick where there are no frames:
 * the server, a worker). Returns a cancel.
 */
function beforeNextFrame(fn: () => void): () => void {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(fn);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(fn, 0);
  return () => clearTimeout(id);
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * A window over a session's activity on the server: a few pages around what is shown, loaded as
 * the list scrolls either way or seeks, and (live) new entries appended at the end. Framework
 * free: `useSessionActivity` is its React adapter.
 */
export function createActivityWindow(options: ActivityWindowOptions): ActivityWindow {
  const { client, sessionId } = options;
  // Absent, zero, negative or not a number: the default (a poll of 0 or -1 ms would be a request
  // loop, a page of 0 entries would ask for nothing).
  const pageSize = Math.floor(positive(options.pageSize, 100)) || 1;
  const maxPages = Math.max(2, Math.floor(positive(options.maxPages, 5)));
  const pollMs = positive(options.pollMs, 1000);
  const group = options.group ?? 'shape';
  const filters = options.filters ?? {};
  const base: ActivityParams = {
    limit: pageSize,
    group,
    ...(filters.type?.length ? { type: [...filters.type] } : {}),
    ...(filters.verdict?.length ? { verdict: [...filters.verdict] } : {}),
    ...(filters.q ? { q: filters.q } : {}),
  };
  const listeners = new Set<() => void>();
  const controller = new AbortController();
  let pages: WindowPage[] = [];
  let generation = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let liveWanted = Boolean(options.live);
  // A seek or a reload is loading: the pages are about to be replaced, nothing is added to them.
  let opening = false;
  // Failed polls in a row: the next poll waits longer.
  let pollFailures = 0;
  let snapshot = initialActivitySnapshot();
  // Listeners are told once a frame, whatever changed since: a page parsed in one task, its
  // render in the next frame; polls and loading flags that land together, one render.
  let cancelNotify: (() => void) | null = null;
  const notify = () => {
    cancelNotify = null;
    for (const listener of listeners) listener();
  };

  const emit = (patch: Partial<ActivityWindowSnapshot>, pagesChanged = false) => {
    const first = pages[0];
    const last = pages.at(-1);
    snapshot = {
      ...snapshot,
      ...(pagesChanged
        ? {
            items: pages.flatMap((p) => p.items),
            hasBefore: first?.hasBefore ?? false,
            hasAfter: last?.hasAfter ?? false,
            ended: Boolean(last && !last.hasAfter && !last.nextCursor),
          }
        : {}),
      ...patch,
    };
    if (!cancelNotify && listeners.size > 0) cancelNotify = beforeNextFrame(notify);
  };

  const fetchPage = (params: ActivityParams) =>
    client.sessions.activity(sessionId, { ...base, ...params }, { signal: controller.signal });

  const toPage = (r: Awaited<ReturnType<typeof fetchPage>>): WindowPage => ({
    items: r.data,
    prevCursor: r.extra.prevCursor,
    nextCursor: r.nextCursor,
    hasBefore: r.extra.hasBefore,
    hasAfter: r.extra.hasAfter,
  });

  const fail = (error: unknown) => {
    if (controller.signal.aborted) return;
    emit({ status: 'error', error: asError(error), loadingAfter: false, loadingBefore: false });
  };

  const open = async (target: ActivitySeekTarget | null | undefined) => {
    const mine = ++generation;
    opening = true;
    if (timer) clearTimeout(timer);
    timer = null;
    pollFailures = 0;
    emit({ status: 'loading', error: null, loadingAfter: false, loadingBefore: false });
    try {
      const r = await fetchPage(
        !target ? {} : 'seq' in target ? { aroundSeq: target.seq } : { aroundTime: target.time },
      );
      if (mine !== generation) return;
      opening = false;
      pages = [toPage(r)];
      emit(
        {
          status: 'success',
          error: null,
          anchorSeq: r.extra.anchorSeq,
          seekGeneration: snapshot.seekGeneration + 1,
          total: r.extra.total,
          totalCapped: r.extra.totalCapped ?? false,
          loadingAfter: false,
          loadingBefore: false,
        },
        true,
      );
      schedule();
    } catch (error) {
      if (mine !== generation) return;
      opening = false;
      fail(error);
    }
  };

  // The window is at the end of the activity: poll after its last page.
  const atEnd = () => {
    const last = pages.at(-1);
    return Boolean(last && !last.hasAfter && last.nextCursor);
  };

  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (opening) return;
    const live = liveWanted && atEnd();
    if (live !== snapshot.live) emit({ live });
    if (!live || controller.signal.aborted) return;
    // After failed polls: twice as long each time, up to 30 s.
    const wait = pollFailures > 0 ? Math.min(30_000, pollMs * 2 ** pollFailures) : pollMs;
    timer = setTimeout(() => {
      timer = null;
      void poll();
    }, wait);
  };

  /** Replaces the window's item `id` by what `to` makes of it; false when it is not there. */
  const patchItem = (id: string, to: (item: ActivityEntry) => ActivityEntry): boolean => {
    for (const page of pages) {
      const i = page.items.findIndex((item) => item.id === id);
      if (i >= 0) {
        page.items = page.items.slice();
        page.items[i] = to(page.items[i] as ActivityEntry);
        return true;
      }
    }
    return false;
  };

  const refreshPending = async (mine: number): Promise<boolean> => {
    const pending = snapshot.items.filter((item) => item.verdict === 'pending');
    let changed = false;
    for (const item of pending) {
      const r = await fetchPage({
        fromSeq: item.seq,
        toSeq: item.lastSeq,
        // The window's own grouping: a group comes back as the same item, its marks counted.
        limit: 1,
        count: 'none',
      });
      if (mine !== generation) return false;
      const entry = r.data[0];
      if (!entry || entry.verdict === item.verdict) continue;
      // The entry's verdict and marks onto the window's item (a group keeps its run).
      const { verdict, verdicts, marks, masked, failed } = entry;
      if (patchItem(item.id, (old) => ({ ...old, verdict, verdicts, marks, masked, failed })))
        changed = true;
    }
    return changed;
  };

  const poll = async () => {
    if (opening) return;
    const mine = generation;
    const last = pages.at(-1);
    if (!last?.nextCursor || snapshot.loadingAfter) return schedule();
    try {
      let changed = await refreshPending(mine);
      if (mine !== generation || opening || pages.at(-1) !== last) return;
      const r = await fetchPage({ after: last.nextCursor, count: 'none' });
      if (mine !== generation || opening || pages.at(-1) !== last) return;
      // An entry whose action arrived after its verdict comes again with the action: in place.
      const fresh = r.data.filter((entry) => !patchItem(entry.id, () => entry));
      if (r.data.length > 0) changed = true;
      if (fresh.length > 0 || r.nextCursor !== last.nextCursor) {
        if (last.items.length + fresh.length <= pageSize) {
          // The last page grows: only its items are copied.
          last.items = [...last.items, ...fresh];
          last.nextCursor = r.nextCursor;
          last.hasAfter = r.extra.hasAfter;
        } else {
          pages.push({ ...toPage(r), items: fresh, hasBefore: true });
          trim(true);
        }
      }
      pollFailures = 0;
      // A poll that answers clears the error of one that failed, with or without news.
      const recovered =
        snapshot.status === 'error' ? ({ status: 'success', error: null } as const) : {};
      if (changed) emit(recovered, true);
      else if (snapshot.status === 'error') emit(recovered);
    } catch (error) {
      if (mine !== generation || controller.signal.aborted) return;
      // A live window keeps asking, less often, while the poll fails; the error is shown.
      pollFailures++;
      fail(error);
    }
    schedule();
  };

  /** Drops pages beyond `maxPages`, from the front (`front`) or the back. */
  const trim = (front: boolean) => {
    while (pages.length > maxPages) {
      if (front) {
        pages.shift();
        (pages[0] as WindowPage).hasBefore = true;
      } else {
        pages.pop();
        (pages.at(-1) as WindowPage).hasAfter = true;
      }
    }
  };

  /** Loads the page after the window (`after`) or before it, dropping the farthest beyond `maxPages`. */
  const load = async (after: boolean) => {
    const edge = () => (after ? pages.at(-1) : pages[0]);
    const page = edge();
    const cursor = after ? page?.hasAfter && page.nextCursor : page?.hasBefore && page.prevCursor;
    const loading = (on: boolean) => (after ? { loadingAfter: on } : { loadingBefore: on });
    if (opening || !cursor || snapshot[after ? 'loadingAfter' : 'loadingBefore']) return;
    const mine = generation;
    emit(loading(true));
    try {
      // A page dropped from the front is asked for again before the first one kept.
      const r = await fetchPage({ [after ? 'after' : 'before']: cursor, count: 'none' });
      if (mine !== generation || opening) return;
      if (edge() !== page) return emit(loading(false));
      if (after) pages.push(toPage(r));
      else pages.unshift(toPage(r));
      trim(after);
      emit(
        {
          ...loading(false),
          ...(snapshot.status === 'error' ? ({ status: 'success', error: null } as const) : {}),
        },
        true,
      );
      schedule();
    } catch (error) {
      if (mine === generation) fail(error);
    }
  };

  const seekNext = async (mark: ActivityMark, afterSeq: number): Promise<number | null> => {
    const r = await fetchPage({
      verdict: [mark],
      fromSeq: afterSeq + 1,
      group: 'none',
      limit: 1,
      count: 'none',
    });
    const found = r.data[0];
    if (!found) return null;
    await open({ seq: found.seq });
    return found.seq;
  };

  const setExpanded = (id: string, members: ActivityGroupMembers | null) => {
    const expanded = new Map(snapshot.expanded);
    if (members) expanded.set(id, members);
    else expanded.delete(id);
    emit({ expanded });
  };

  const expand = async (id: string) => {
    const item = snapshot.items.find((i) => i.id === id);
    if (!item || item.count < 2) return;
    setExpanded(id, { status: 'loading', items: [], more: false, error: null });
    try {
      const r = await fetchPage({
        fromSeq: item.seq,
        toSeq: item.lastSeq,
        group: 'none',
        limit: GROUP_LIMIT,
        count: 'none',
      });
      if (!snapshot.expanded.has(id)) return;
      setExpanded(id, { status: 'success', items: r.data, more: r.extra.hasAfter, error: null });
    } catch (error) {
      if (controller.signal.aborted || !snapshot.expanded.has(id)) return;
      setExpanded(id, { status: 'error', items: [], more: false, error: asError(error) });
    }
  };

  void open(options.around);

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    loadAfter: () => load(true),
    loadBefore: () => load(false),
    seek: (target) => open(target),
    seekNext,
    expand,
    collapse: (id) => setExpanded(id, null),
    async refresh() {
      if (opening) return;
      const mine = generation;
      try {
        if (await refreshPending(mine)) emit({}, true);
        if (atEnd()) await poll();
      } catch (error) {
        if (mine === generation) fail(error);
      }
    },
    reload: () => void open(options.around),
    setLive(live) {
      if (liveWanted === live) return;
      liveWanted = live;
      pollFailures = 0;
      schedule();
    },
    dispose() {
      generation++;
      controller.abort();
      if (timer) clearTimeout(timer);
      cancelNotify?.();
      cancelNotify = null;
      listeners.clear();
    },
  };
}
