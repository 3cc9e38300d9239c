import type { AuditlaneClient, Viewer } from '@auditlane/client';
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { type MessageGroups, type MessagesOverride, resolveMessages } from './messages';

export interface AuditlaneContextValue {
  client: AuditlaneClient | null;
  /** What the viewer may do, when the host knows it; otherwise asked from the server (`me`). */
  viewer: Viewer | null;
  /**
   * The provider's `messages` prop as given (null without one): the translations merged under
   * each component's own `messages`. Components resolve only the groups they show
   * (`useMessages`); `mergeMessages(defaultMessages, messages)` makes every group.
   */
  messages: MessagesOverride | null;
}

interface ContextValue extends AuditlaneContextValue {
  /**
   * Each component's defaults with the provider's messages merged over them, by defaults object:
   * every component of a kind below this provider shares one (nothing copied per component).
   */
  resolved: WeakMap<MessageGroups, MessageGroups>;
}

const AuditlaneContext = createContext<ContextValue | null>(null);
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
  // A new cache for new messages only: a new client or viewer leaves the components' as they are.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the cache belongs to `messages`.
  const resolved = useMemo(() => new WeakMap<MessageGroups, MessageGroups>(), [messages]);
  const value = useMemo<ContextValue>(
    () => ({ client, viewer, messages: messages ?? null, resolved }),
    [client, viewer, messages, resolved],
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
 * The messages a component shows: its `defaults` (the groups it shows, English), then the
 * provider's `messages`, then the component's own `messages` prop (`override`); groups the
 * defaults do not have are left out. The same object while neither override changes, shared by
 * every component with the same defaults and no override of its own. Keep `defaults` a constant:
 * a component's own (`sessionTableDefaults`, `filtersDefaults`, `sessionDetailDefaults`,
 * `replayDefaults`, `toolCallDefaults`), or `defaultMessages` for every group.
 */
export function useMessages<G extends MessageGroups>(
  defaults: G,
  override?: MessagesOverride | null,
): G {
  const context = useContext(AuditlaneContext);
  const provided = context?.messages ?? null;
  const resolved = context?.resolved;
  return useMemo(() => {
    if (!provided || !resolved) return resolveMessages(defaults, override);
    if (override) return resolveMessages(defaults, provided, override);
    let shared = resolved.get(defaults) as G | undefined;
    if (!shared) {
      shared = resolveMessages(defaults, provided);
      resolved.set(defaults, shared);
    }
    return shared;
  }, [provided, resolved, defaults, override]);
}
