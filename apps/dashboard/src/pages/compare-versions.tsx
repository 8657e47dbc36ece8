import { useMemo } from 'react';
import { graphql } from '../api/graphql-client';
import { VERSION } from '../api/queries';
import type { ModelVersionDetail, VersionMetrics } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { useApi } from '../components/use-api';
import { VegaLiteChart } from '../components/vega-lite-chart';
import { percent } from '../format';
import { comparedSweepSpec } from './version-charts';

/** One compared figure: how it reads from a version's metrics, and how it is shown. */
const ROWS: {
  key: string;
  label: string;
  value: (m: VersionMetrics, threshold: number) => number | null;
  show: (x: number) => string;
  /** How a difference reads: accuracy and shares in points, bytes in bytes. */
  diff: (d: number) => string;
}[] = [
  {
    key: 'local',
    label: 'local exit accuracy',
    value: (m) => m.exitAccuracy.local,
    show: (x) => percent(x),
    diff: (d) => points(d),
  },
  {
    key: 'edge',
    label: 'edge exit accuracy',
    value: (m) => m.exitAccuracy.edge,
    show: (x) => percent(x),
    diff: (d) => points(d),
  },
  {
    key: 'cloud',
    label: 'cloud exit accuracy',
    value: (m) => m.exitAccuracy.cloud,
    show: (x) => percent(x),
    diff: (d) => points(d),
  },
  {
    key: 'overall',
    label: 'overall accuracy at T',
    value: (m) => m.operatingPoint.overallAccuracy,
    show: (x) => percent(x),
    diff: (d) => points(d),
  },
  {
    key: 'local-exit-rate',
    label: 'samples exiting locally at T',
    value: (m) => m.operatingPoint.localExitRate,
    show: (x) => percent(x),
    diff: (d) => points(d),
  },
  {
    key: 'bytes',
    label: 'bytes per device per sample at T',
    value: (m) => m.operatingPoint.commBytesPerDevice,
    show: (x) => x.toFixed(1),
    diff: (d) => `${d >= 0 ? '+' : ''}${d.toFixed(1)}`,
  },
  {
    key: 'threshold',
    label: 'threshold T',
    value: (m) => m.operatingPoint.threshold,
    show: (x) => x.toFixed(3),
    diff: (d) => `${d >= 0 ? '+' : ''}${d.toFixed(3)}`,
  },
];

function points(d: number): string {
  return `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)} pts`;
}

const nameOf = (v: ModelVersionDetail) => `${v.model.name} v${v.version}`;

/** Two versions side by side: every exit's accuracy, the operating point, the sweeps overlaid. */
export function CompareVersions({ ids }: { ids: [string, string] }) {
  const versions = useApi(
    () =>
      Promise.all(
        ids.map((id) => graphql(VERSION, { id }).then((d) => d.modelVersion as ModelVersionDetail)),
      ),
    [ids[0], ids[1]],
  );
  const spec = useMemo(
    () =>
      versions.data
        ? comparedSweepSpec(versions.data.map((v) => ({ name: nameOf(v), metrics: v.metrics })))
        : undefined,
    [versions.data],
  );
  if (!versions.data) {
    return versions.error ? (
      <ErrorMessage error={versions.error} />
    ) : (
      <p className="loading">Loading the two versions…</p>
    );
  }
  const [a, b] = versions.data;
  const rows = ROWS.map((row) => ({
    ...row,
    a: row.value(a.metrics, a.threshold),
    b: row.value(b.metrics, b.threshold),
  })).filter((row) => row.a !== null || row.b !== null);
  return (
    <section className="card" data-testid="compare-versions">
      <h2>
        {nameOf(a)} compared with {nameOf(b)}
      </h2>
      <p className="hint">
        Each on its own test set ({a.metrics.numSamples} and {b.metrics.numSamples} samples) at its
        own shipped T; the difference is the second minus the first.
      </p>
      <table data-testid="compare-table">
        <thead>
          <tr>
            <th>Figure</th>
            <th>
              <a href={`#/versions/${a.id}`}>{nameOf(a)}</a>
            </th>
            <th>
              <a href={`#/versions/${b.id}`}>{nameOf(b)}</a>
            </th>
            <th>Difference</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-row={row.key}>
              <td>{row.label}</td>
              <td>{row.a === null ? '—' : row.show(row.a)}</td>
              <td>{row.b === null ? '—' : row.show(row.b)}</td>
              <td>{row.a === null || row.b === null ? '—' : row.diff(row.b - row.a)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {spec ? <VegaLiteChart spec={spec} testId="compare-sweep" /> : null}
    </section>
  );
}
