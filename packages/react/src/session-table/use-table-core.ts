import { batch, createAtom, shallow } from '@tanstack/store';
import {
  constructTable,
  type RowData,
  type Table,
  type TableFeatures,
  type TableOptions,
  type TableState,
} from '@tanstack/table-core';
import {
  createRenderPhaseSource,
  type RenderPhaseSource,
  renderPhaseReactivity,
} from '@tanstack/table-core/reactivity';
import {
  table_publishExternalState,
  table_setOptions,
} from '@tanstack/table-core/static-functions';
import { useEffect, useLayoutEffect, useMemo, useState, useSyncExternalStore } from 'react';

const useIsomorphicLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

/** The table, with the state its last render read (`table.state`). */
export type CoreTable<TFeatures extends TableFeatures, TData extends RowData> = Table<
  TFeatures,
  TData
> & { readonly state: Readonly<TableState<TFeatures>> };

interface Binding<TFeatures extends TableFeatures, TData extends RowData> {
  table: Table<TFeatures, TData>;
  source: RenderPhaseSource<TableState<TFeatures>>;
  subscribe: (onChange: () => void) => () => void;
}

/**
 * A React binding of TanStack Table's core, step for step `useTable` of
 * `@tanstack/react-table` 9.3.1 (its `dist/useTable.js`) with React's own
 * `useSyncExternalStore` in place of `@tanstack/react-store`'s `useSelector`.
 *
 * Why it exists: that adapter brings the `use-sync-external-store` shims (React 17 support; our
 * peer is React >= 18), `useSelector`, `Subscribe` and `FlexRender`, none of which the sessions
 * table uses: about 1.5 KB gzip of every host's bundle. Follow TanStack's adapter when
 * `@tanstack/table-core` is upgraded (its reactivity and static-functions entries are the
 * adapter API).
 */
export function useTableCore<TFeatures extends TableFeatures, TData extends RowData>(
  tableOptions: TableOptions<TFeatures, TData>,
): CoreTable<TFeatures, TData> {
  const [{ table, source, subscribe }] = useState((): Binding<TFeatures, TData> => {
    const table = constructTable({
      ...tableOptions,
      features: {
        // Atoms of the same @tanstack/store as table-core's (one copy: batching and dependency
        // tracking are module state of that package).
        coreReactivityFeature: renderPhaseReactivity({ createAtom, batch }),
        ...tableOptions.features,
      },
    });
    const source = createRenderPhaseSource(table.store, shallow);
    return {
      table,
      source,
      subscribe: (onChange) => source.subscribe(onChange).unsubscribe,
    };
  });

  // Options (controlled state among them) are set during render, without publishing that state
  // yet: a render that does not commit must not notify anyone.
  table_setOptions(table, (prev) => ({ ...prev, ...tableOptions }), { syncExternalState: false });
  const controlledState = table.options.state;
  const renderSnapshot = source.get();
  // `source.get()` is table-core's render-phase store: it returns the previous snapshot object
  // while the next one is shallow-equal to it (the store is made with `compare: shallow`), so it
  // is a cached getSnapshot as useSyncExternalStore needs (a new object each call would loop).
  const state: Readonly<TableState<TFeatures>> = useSyncExternalStore(
    subscribe,
    source.get,
    source.get,
  );

  // Once committed: the snapshot this render read becomes the baseline (the notification of the
  // publication below does not render this component again), and the controlled state is
  // published to the table's atoms, for subscribers of `table.store` / `table.atoms`.
  useIsomorphicLayoutEffect(() => {
    source.markCommitted(renderSnapshot);
    table_publishExternalState(table, controlledState ?? null, shallow);
  });

  return useMemo((): CoreTable<TFeatures, TData> => {
    const instance: Table<TFeatures, TData> = { ...table, options: tableOptions };
    return Object.assign(instance, { state });
  }, [table, tableOptions, state]);
}
