import { useEffect, useState } from 'react';
import { graphql } from '../api/graphql-client';
import { DATASETS } from '../api/queries';
import { rest } from '../api/rest-client';
import type { Dataset } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { useApi } from '../components/use-api';
import { bytes, dateTime } from '../format';
import { DatasetUpload } from './dataset-upload';

/** The contact sheet PNG needs the admin token, so it is fetched and shown from a blob URL. */
function ContactSheet({ dataset }: { dataset: Dataset }) {
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let objectUrl: string | undefined;
    let cancelled = false;
    rest(`/datasets/${encodeURIComponent(dataset.id)}/contact-sheet.png?samples=6`)
      .then((r) => r.blob())
      .then((blob) => {
        if (cancelled) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch((e: unknown) => setError(e));
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [dataset.id]);
  return (
    <section className="card" data-testid="contact-sheet">
      <h2>{dataset.name}: first samples</h2>
      <p className="hint">
        One row per sample, one column per view ({dataset.viewNames.join(', ')}); the bar above a
        view is its label&apos;s colour, a crossed cell is an absent view.
      </p>
      <ErrorMessage error={error} />
      {url ? (
        <img src={url} alt={`contact sheet of ${dataset.name}`} />
      ) : error ? null : (
        <p className="loading" role="status" data-testid="contact-sheet-loading">
          Rendering the first samples…
        </p>
      )}
    </section>
  );
}

export function DatasetsPage() {
  const datasets = useApi(() => graphql(DATASETS).then((d) => d.datasets), []);
  const [previewId, setPreviewId] = useState<string>();
  const preview = datasets.data?.find((d) => d.id === previewId);
  return (
    <div className="page" data-testid="datasets-page">
      <h1>Datasets</h1>
      <ErrorMessage error={datasets.error} />
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Format</th>
            <th>Views</th>
            <th>View shape</th>
            <th>Classes</th>
            <th>Train / test</th>
            <th>Size</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(datasets.data ?? []).map((d) => (
            <tr key={d.id} data-dataset={d.name}>
              <td>{d.name}</td>
              <td>{d.format}</td>
              <td>{d.viewCount}</td>
              <td>{d.viewShape.join('×')}</td>
              <td title={d.classNames.join(', ')}>{d.classNames.length}</td>
              <td>
                {d.trainSize} / {d.testSize}
              </td>
              <td>{bytes(d.sizeBytes)}</td>
              <td>{dateTime(d.createdAt)}</td>
              <td>
                <button type="button" className="secondary" onClick={() => setPreviewId(d.id)}>
                  Preview
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {/* Keyed: another dataset starts without the last one's image or error. */}
      {preview ? <ContactSheet key={preview.id} dataset={preview} /> : null}
      <DatasetUpload onUploaded={() => void datasets.reload()} />
    </div>
  );
}
