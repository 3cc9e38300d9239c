import { useCallback, useSyncExternalStore } from 'react';

/**
 * The panel's three pages by path: the sessions list (`/`), a session (`/sessions/:id`) and the
 * reviews inbox (`/reviews`). A host app uses its own router; this is the least that works with
 * links, back and forward, and the filters kept in the URL's query.
 */
export type Route =
  | { page: 'sessions' }
  | { page: 'session'; id: string }
  | { page: 'reviews' }
  | { page: 'not-found' };

const subscribe = (onChange: () => void) => {
  window.addEventListener('popstate', onChange);
  window.addEventListener('panel:navigate', onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener('panel:navigate', onChange);
  };
};

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'sessions' };
  if (pathname === '/reviews') return { page: 'reviews' };
  const m = /^\/sessions\/([^/]+)$/.exec(pathname);
  if (m?.[1]) {
    try {
      return { page: 'session', id: decodeURIComponent(m[1]) };
    } catch {
      return { page: 'not-found' }; // a malformed % escape
    }
  }
  return { page: 'not-found' };
}

export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, () => window.location.pathname);
  return parseRoute(path);
}

export function navigate(to: string): void {
  window.history.pushState(null, '', to);
  window.dispatchEvent(new Event('panel:navigate'));
}

/** Props for an <a> that navigates in the page (new tab and modifier clicks work as usual). */
export function useLink() {
  return useCallback(
    (to: string) => ({
      href: to,
      onClick: (event: React.MouseEvent<HTMLAnchorElement>) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(to);
      },
    }),
    [],
  );
}
