import type { AuditlaneClient, Viewer } from '@auditlane/client';
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { defaultMessages, type Messages, type MessagesOverride, resolveMessages } from './messages';

export interface AuditlaneContextValue {
  client: AuditlaneClient | null;
  /** What the viewer may do, when the host knows it; otherwise asked from the server (`me`). */
  viewer: Viewer | null;
  /** The provider's messages: English with the provider's `messages` merged over it. */
  messages: Messages;
}

const AuditlaneContext = createContext<AuditlaneContextValue | null>(null);
AuditlaneContext.displayName = 'AuditlaneContext';

export interface AuditlaneProviderProps {
  /** The API client the hooks and components use (`createClient({ baseUrl, token })`). */
  client?: AuditlaneClient | null;
  /**
   * Who is looking and what they may do. Leave it out to ask the server (`GET /v1/me`); pass it
   * when the host already knows, or has no Auditlane server.
   */
  viewer?: Viewer | null;
  /**
   * Translations: some messages of some groups, merged over the English defaults (a component's
   * own `messages` prop is merged over these). Keep the object stable (a constant, or memoised).
   */
  messages?: MessagesOverride;
  children?: ReactNode;
}

/** Gives the hooks and components below it an API client (and optionally the viewer). */
export function AuditlaneProvider({
  client = null,
  viewer = null,
  messages,
  children,
}: AuditlaneProviderProps) {
  const value = useMemo(
    () => ({ client, viewer, messages: resolveMessages(defaultMessages, messages) }),
    [client, viewer, messages],
  );
  return <AuditlaneContext.Provider value={value}>{children}</AuditlaneContext.Provider>;
}

/** The provider's value, or null outside an AuditlaneProvider. */
export function useAuditlaneContext(): AuditlaneContextValue | null {
  return useContext(AuditlaneContext);
}

/** The provider's client; throws an error naming the hook when there is none. */
export function useAuditlaneClient(hook: string): AuditlaneClient {
  const client = useContext(AuditlaneContext)?.client;
  if (!client) {
    throw new Error(
      `${hook} needs an API client: render it inside <AuditlaneProvider client={createClient(...)}>, or pass data to the component directly`,
    );
  }
  return client;
}

/**
 * The messages a component shows: English, then the provider's, then the component's own
 * `messages` prop. The same object while neither changes.
 */
export function useMessages(override?: MessagesOverride): Messages {
  const base = useContext(AuditlaneContext)?.messages ?? defaultMessages;
  return useMemo(() => resolveMessages(base, override), [base, override]);
}
