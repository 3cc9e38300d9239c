import { useViewer } from '@auditlane/react';
import { ReviewsPage } from './reviews-page';
import { useLink, useRoute } from './router';
import { SessionPage } from './session-page';
import { SessionsPage } from './sessions-page';

/** The host product's admin shell, with Auditlane's views inside. */
export function App() {
  const route = useRoute();
  const link = useLink();
  const viewer = useViewer().data;
  return (
    <div className="panel">
      <header className="panel__header">
        <a className="panel__brand" {...link('/')}>
          Acme admin
        </a>
        <nav aria-label="Main">
          <a {...link('/')} aria-current={route.page !== 'reviews' ? 'page' : undefined}>
            Sessions
          </a>
          <a {...link('/reviews')} aria-current={route.page === 'reviews' ? 'page' : undefined}>
            Reviews
          </a>
        </nav>
        <span className="panel__viewer">
          {viewer ? `${viewer.token.name} · ${viewer.org}` : ''}
          {viewer && !viewer.downloadsEnabled ? (
            <span className="panel__badge" data-testid="downloads-disabled">
              downloads disabled
            </span>
          ) : null}
        </span>
      </header>
      <main className="panel__main">
        {route.page === 'sessions' ? <SessionsPage /> : null}
        {route.page === 'session' ? <SessionPage key={route.id} sessionId={route.id} /> : null}
        {route.page === 'reviews' ? <ReviewsPage /> : null}
        {route.page === 'not-found' ? <p>No such page.</p> : null}
      </main>
    </div>
  );
}
