import { useEffect, useState } from 'react';
import { onUnauthorized } from './api/api-error';
import { rest } from './api/rest-client';
import { forgetToken, storedToken } from './api/session';
import { ErrorMessage } from './components/error-message';
import { CompareVersions } from './pages/compare-versions';
import { DatasetsPage } from './pages/datasets-page';
import { EdgeClientsPage } from './pages/edge-clients-page';
import { JobsPage } from './pages/jobs-page';
import { LoginPage } from './pages/login-page';
import { VersionsPage } from './pages/versions-page';
import { useHashRoute } from './use-hash-route';

const NAV = [
  ['jobs', 'Training jobs'],
  ['versions', 'Model versions'],
  ['datasets', 'Datasets'],
  ['edge', 'Edge clients'],
] as const;

export function App() {
  const [loggedIn, setLoggedIn] = useState(() => storedToken() !== null);
  const [notice, setNotice] = useState<string>();
  const [queueError, setQueueError] = useState<unknown>();
  const route = useHashRoute();

  useEffect(
    () =>
      onUnauthorized(() => {
        forgetToken();
        setNotice('the platform no longer accepts the stored token; log in again');
        setLoggedIn(false);
      }),
    [],
  );

  if (!loggedIn) return <LoginPage notice={notice} onLogin={() => setLoggedIn(true)} />;

  async function openQueues() {
    // The queue board is a separate page: a cookie (set with the token) lets the browser in.
    const tab = window.open('about:blank', '_blank');
    try {
      await rest('/admin/queues/session', { method: 'POST' });
      setQueueError(undefined);
      if (tab) tab.location.href = '/admin/queues';
      else location.href = '/admin/queues';
    } catch (e) {
      tab?.close();
      setQueueError(e);
    }
  }

  return (
    <div className="app">
      <header>
        <span className="brand">DDNN platform</span>
        <nav>
          {NAV.map(([page, label]) => (
            <a
              key={page}
              href={`#/${page}`}
              className={
                route.page === page || (page === 'versions' && route.page === 'compare')
                  ? 'active'
                  : ''
              }
            >
              {label}
            </a>
          ))}
          <button type="button" className="link" onClick={() => void openQueues()}>
            Queue internals ↗
          </button>
          {/* Same tab: GraphiQL sends this tab's admin token (sessionStorage is per tab). */}
          <a href="/graphiql">GraphiQL</a>
        </nav>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            forgetToken();
            setNotice(undefined);
            setLoggedIn(false);
          }}
        >
          Log out
        </button>
      </header>
      <ErrorMessage error={queueError} title="Queue board" />
      <main>
        {route.page === 'jobs' ? <JobsPage selectedId={route.id} /> : null}
        {route.page === 'versions' ? <VersionsPage selectedId={route.id} /> : null}
        {route.page === 'compare' ? (
          <div className="page" data-testid="compare-page">
            <h1>Compare versions</h1>
            <CompareVersions key={route.ids.join('/')} ids={route.ids} />
          </div>
        ) : null}
        {route.page === 'datasets' ? <DatasetsPage /> : null}
        {route.page === 'edge' ? <EdgeClientsPage /> : null}
      </main>
    </div>
  );
}
