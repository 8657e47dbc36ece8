import { type FormEvent, useState } from 'react';
import { graphql } from '../api/graphql-client';
import { CREATE_ENROLLMENT_TOKEN, EDGE_CLIENTS, REVOKE_EDGE_CLIENT } from '../api/queries';
import type { EdgeClient, EnrollmentToken } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { useApi } from '../components/use-api';
import { ago, bytes, dateTime } from '../format';

/** A client counts as online when its last heartbeat is this recent. */
export const ONLINE_WITHIN_MS = 2 * 60 * 1000;

function isOnline(client: EdgeClient, now: number): boolean {
  return (
    client.status === 'ACTIVE' &&
    client.lastSeenAt !== null &&
    now - new Date(client.lastSeenAt).getTime() < ONLINE_WITHIN_MS
  );
}

function EnrollmentTokenForm() {
  const [description, setDescription] = useState('');
  const [hours, setHours] = useState('24');
  const [issued, setIssued] = useState<EnrollmentToken>();
  const [error, setError] = useState<unknown>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setIssued(undefined);
    const h = Number(hours);
    if (!(h > 0 && h <= 24 * 30))
      return setError(new Error('Valid for: 0 to 720 hours (30 days).'));
    try {
      const result = await graphql(CREATE_ENROLLMENT_TOKEN, {
        input: { description: description || null, expiresInSeconds: Math.round(h * 3600) },
      });
      setIssued(result.createEnrollmentToken);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate>
      <h2>Enroll a new edge client</h2>
      <div className="grid">
        <label className="field">
          <span>Description</span>
          <input
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            placeholder="e.g. camera 3, lobby"
          />
        </label>
        <label className="field">
          <span>Valid for (hours)</span>
          <input value={hours} onChange={(e) => setHours(e.target.value)} inputMode="decimal" />
        </label>
      </div>
      <ErrorMessage error={error} />
      {issued ? (
        <div className="notice" data-testid="enrollment-token">
          <p>Single-use token (shown only now; valid until {dateTime(issued.expiresAt)}):</p>
          <code className="token">{issued.token}</code>
          <p className="hint">
            The client registers with it through POST /edge/clients/register (see docs/edge.md).
          </p>
        </div>
      ) : null}
      <button type="submit">Create enrollment token</button>
    </form>
  );
}

export function EdgeClientsPage() {
  const clients = useApi(
    () => graphql(EDGE_CLIENTS).then((d) => d.edgeClients as EdgeClient[]),
    [],
    10000,
  );
  const [error, setError] = useState<unknown>();
  const now = Date.now();

  async function revoke(client: EdgeClient) {
    if (!window.confirm(`Revoke "${client.name}"? Its credential stops working at once.`)) return;
    setError(undefined);
    try {
      await graphql(REVOKE_EDGE_CLIENT, { id: client.id });
      await clients.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <div className="page" data-testid="edge-page">
      <h1>Edge clients</h1>
      <ErrorMessage error={clients.error ?? error} />
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>State</th>
            <th>Role</th>
            <th>Model</th>
            <th>Device</th>
            <th>Follows</th>
            <th>Installed</th>
            <th>Last seen</th>
            <th>Samples</th>
            <th>Local exits</th>
            <th>Sent</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(clients.data ?? []).map((c) => {
            const state =
              c.status === 'REVOKED' ? 'revoked' : isOnline(c, now) ? 'online' : 'offline';
            return (
              <tr key={c.id} data-edge-client={c.name}>
                <td>{c.name}</td>
                <td>
                  <span className={`status status-${state}`}>{state}</span>
                </td>
                <td>{c.role.toLowerCase()}</td>
                <td>{c.modelName}</td>
                <td>{c.deviceIndex ?? '—'}</td>
                <td>
                  {c.alias ?? (c.pinnedVersion !== null ? `v${c.pinnedVersion} (pinned)` : '—')}
                </td>
                <td>{c.installedVersion !== null ? `v${c.installedVersion}` : '—'}</td>
                <td title={dateTime(c.lastSeenAt)}>{ago(c.lastSeenAt, now)}</td>
                <td>{c.counters?.samples ?? '—'}</td>
                <td>{c.counters?.localExits ?? '—'}</td>
                <td>{c.counters?.bytesSent !== undefined ? bytes(c.counters.bytesSent) : '—'}</td>
                <td>
                  {c.status === 'ACTIVE' ? (
                    <button type="button" className="danger" onClick={() => void revoke(c)}>
                      Revoke
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
          {clients.data?.length === 0 ? (
            <tr>
              <td colSpan={12} className="hint">
                No edge clients yet: create an enrollment token below and register one.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <EnrollmentTokenForm />
    </div>
  );
}
