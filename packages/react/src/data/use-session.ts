import type { Session } from '@auditlane/client';
import { useAuditlaneClient } from '../provider/auditlane-provider';
import { type AsyncState, useAsync } from './use-async';

/** One session by id, through the provider's client (null id: nothing is fetched). */
export function useSession(sessionId: string | null | undefined): AsyncState<Session> {
  const client = useAuditlaneClient('useSession');
  return useAsync(sessionId ?? null, (signal) =>
    client.sessions.get(sessionId as string, { signal }),
  );
}
