import type { Session } from '@auditlane/client';
import { useAuditlaneContext } from '../provider/auditlane-provider';
import { type AsyncState, useAsync } from './use-async';

/**
 * One session by id, through the provider's client. A null id fetches nothing (and needs no
 * client).
 */
export function useSession(sessionId: string | null | undefined): AsyncState<Session> {
  const client = useAuditlaneContext()?.client ?? null;
  if (sessionId && !client) {
    throw new Error(
      'useSession needs an API client: render it inside <AuditlaneProvider client={createClient(...)}>',
    );
  }
  return useAsync(sessionId ? `session:${sessionId}` : null, (signal) =>
    (client as NonNullable<typeof client>).sessions.get(sessionId as string, { signal }),
  );
}
