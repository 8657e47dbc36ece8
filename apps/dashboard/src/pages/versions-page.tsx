import { useState } from 'react';
import { graphql } from '../api/graphql-client';
import { VERSIONS } from '../api/queries';
import { ErrorMessage } from '../components/error-message';
import { useApi } from '../components/use-api';
import { dateTime } from '../format';
import { VersionDetail } from './version-detail';

export function VersionsPage({ selectedId }: { selectedId?: string }) {
  const versions = useApi(
    () => graphql(VERSIONS).then((d) => d.modelVersions.nodes),
    [],
    // Polled like the jobs list, so a version a job publishes meanwhile shows up.
    5000,
  );
  // Two ticked versions can be compared (#/compare/<id>/<id>), in the order they were ticked.
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (id: string) =>
    setPicked((current) =>
      current.includes(id) ? current.filter((p) => p !== id) : [...current, id].slice(-2),
    );
  return (
    <div className="page" data-testid="versions-page">
      <h1>Model versions</h1>
      <ErrorMessage error={versions.error} />
      <table className="versions">
        <thead>
          <tr>
            <th title="tick two versions to compare them">Compare</th>
            <th>Model</th>
            <th>Version</th>
            <th>Aliases</th>
            <th>Threshold T</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {(versions.data ?? []).map((v) => (
            <tr key={v.id} className={v.id === selectedId ? 'selected' : ''} data-version-id={v.id}>
              <td>
                <input
                  type="checkbox"
                  className="compare-pick"
                  aria-label={`compare ${v.model.name} v${v.version}`}
                  checked={picked.includes(v.id)}
                  onChange={() => toggle(v.id)}
                />
              </td>
              <td>{v.model.name}</td>
              <td>
                <a href={`#/versions/${v.id}`}>v{v.version}</a>
              </td>
              <td>{v.aliases.map((a) => a.name).join(', ')}</td>
              <td>{v.threshold.toFixed(3)}</td>
              <td>{dateTime(v.createdAt)}</td>
            </tr>
          ))}
          {versions.data?.length === 0 ? (
            <tr>
              <td colSpan={6} className="hint">
                No versions yet: a completed training job publishes one.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <div className="actions">
        <a
          role="button"
          className={picked.length === 2 ? 'button' : 'button disabled'}
          aria-disabled={picked.length !== 2}
          href={picked.length === 2 ? `#/compare/${picked[0]}/${picked[1]}` : undefined}
          data-testid="compare-link"
        >
          {picked.length === 2
            ? 'Compare the two ticked versions'
            : 'Tick two versions to compare them'}
        </a>
      </div>
      {selectedId ? (
        // Keyed: another version starts empty rather than showing (and moving aliases of) the last.
        <VersionDetail
          key={selectedId}
          id={selectedId}
          onAliasMoved={() => void versions.reload()}
        />
      ) : null}
    </div>
  );
}
