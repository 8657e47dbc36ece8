import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/api-error';
import { graphql } from '../api/graphql-client';
import { ADMIN_CHECK } from '../api/queries';
import { forgetToken, storeToken } from '../api/session';
import { ErrorMessage } from '../components/error-message';

/** Asks for the admin token and checks it with an admin-only query before keeping it. */
export function LoginPage({ onLogin, notice }: { onLogin: () => void; notice?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!token.trim()) {
      setError(new Error('enter the admin token (ADMIN_TOKEN of the platform)'));
      return;
    }
    setBusy(true);
    storeToken(token.trim());
    try {
      await graphql(ADMIN_CHECK);
      onLogin();
    } catch (e) {
      forgetToken();
      setError(
        e instanceof ApiError && e.unauthorized
          ? new Error('the platform refused this token: check ADMIN_TOKEN and try again')
          : e,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <h1>DDNN platform</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label>
          Admin token
          <input
            name="token"
            type="password"
            autoComplete="current-password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            autoFocus
          />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
        {notice && !error ? <div className="notice">{notice}</div> : null}
        <ErrorMessage error={error} />
        <p className="hint">
          The token is kept in this tab only (sessionStorage) and sent as a Bearer header.
        </p>
      </form>
    </main>
  );
}
