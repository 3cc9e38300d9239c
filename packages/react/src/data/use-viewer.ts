import type { Permission, Viewer } from '@auditlane/client';
import { useAuditlaneContext } from '../provider/auditlane-provider';
import { type AsyncState, useAsync } from './use-async';

/**
 * The viewer: given to the provider, or asked from the server (`client.me()`). Without either
 * (data passed directly, no client), `viewer` stays undefined and nothing is fetched.
 */
export function useViewer(): AsyncState<Viewer> & { viewer: Viewer | undefined } {
  const context = useAuditlaneContext();
  const given = context?.viewer ?? null;
  const client = context?.client ?? null;
  const state = useAsync(given || !client ? null : 'me', (signal) =>
    (client as NonNullable<typeof client>).me({ signal }),
  );
  if (given) return { ...state, data: given, status: 'success', error: null, viewer: given };
  return { ...state, viewer: state.data };
}

/** Whether the viewer has a permission; undefined while unknown. */
export function can(viewer: Viewer | undefined, permission: Permission): boolean | undefined {
  return viewer ? viewer.permissions.includes(permission) : undefined;
}
