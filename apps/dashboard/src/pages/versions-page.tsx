import { graphql } from '../api/graphql-client';
import { VERSIONS } from '../api/queries';
import type { ModelVersionSummary } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { useApi } from '../components/use-api';
import { dateTime } from '../format';
import { VersionDetail } from './version-detail';

export function VersionsPage({ selectedId }: { selectedId?: string }) {
  const versions = useApi(
    () =>
      graphql<{ modelVersions: { nodes: ModelVersionSummary[] } }>(VERSIONS).then(
        (d) => d.modelVersions.nodes,
      ),
    [],
  );
  return (
    <div className="page" data-testid="versions-page">
      <h1>Model versions</h1>
      <ErrorMessage error={versions.error} />
      <table className="versions">
        <thead>
          <tr>
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
              <td colSpan={5} className="hint">
                No versions yet: a completed training job publishes one.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
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
