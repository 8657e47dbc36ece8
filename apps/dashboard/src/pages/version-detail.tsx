import { useMemo, useState } from 'react';
import { graphql } from '../api/graphql-client';
import { MOVE_ALIAS, VERSION } from '../api/queries';
import type { ModelVersionDetail } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { useApi } from '../components/use-api';
import { VegaLiteChart } from '../components/vega-lite-chart';
import { bytes, dateTime, percent } from '../format';
import { HierarchyDiagram } from './hierarchy-diagram';
import { faultToleranceSpec, thresholdSweepSpec } from './version-charts';

const ALIASES = ['production', 'staging'];

export function VersionDetail({ id, onAliasMoved }: { id: string; onAliasMoved: () => void }) {
  const version = useApi(
    () => graphql(VERSION, { id }).then((d) => d.modelVersion as ModelVersionDetail),
    [id],
  );
  const [aliasError, setAliasError] = useState<unknown>();
  const metrics = version.data?.metrics;
  const sweepSpec = useMemo(() => (metrics ? thresholdSweepSpec(metrics) : undefined), [metrics]);
  const faultSpec = useMemo(
    () => (metrics && metrics.faultTolerance.length > 0 ? faultToleranceSpec(metrics) : undefined),
    [metrics],
  );

  async function moveAlias(alias: string) {
    const v = version.data!;
    setAliasError(undefined);
    try {
      await graphql(MOVE_ALIAS, { modelName: v.model.name, alias, version: v.version });
      await version.reload();
      onAliasMoved();
    } catch (e) {
      setAliasError(e);
    }
  }

  if (!version.data || !metrics) return <ErrorMessage error={version.error} />;
  const v = version.data;
  const op = metrics.operatingPoint;
  const aliasNames = v.aliases.map((a) => a.name);
  return (
    <section className="card version-detail" data-testid="version-detail">
      <h2>
        {v.model.name} v{v.version}{' '}
        {aliasNames.map((a) => (
          <span key={a} className="alias" data-testid="version-alias">
            {a}
          </span>
        ))}
      </h2>
      <p className="hint">
        Created {dateTime(v.createdAt)} · evaluated on {metrics.numSamples} test samples · threshold
        T = {op.threshold.toFixed(3)} ({op.chosenBy})
        {metrics.keptEpoch
          ? ` · weights of epoch ${metrics.keptEpoch.epoch}, the best on the validation split`
          : ''}
      </p>
      <div className="actions">
        {ALIASES.map((alias) => (
          <button
            key={alias}
            type="button"
            disabled={aliasNames.includes(alias)}
            onClick={() => void moveAlias(alias)}
          >
            {aliasNames.includes(alias) ? `This is ${alias}` : `Make ${alias}`}
          </button>
        ))}
      </div>
      <ErrorMessage error={aliasError} />

      <HierarchyDiagram metrics={metrics} partitions={v.partitions} threshold={op.threshold} />

      <div className="tables">
        <table className="accuracy" data-testid="exit-accuracy">
          <caption>Accuracy per exit</caption>
          <thead>
            <tr>
              <th>Exit</th>
              <th>Accuracy</th>
            </tr>
          </thead>
          <tbody>
            <tr data-exit="local">
              <td>local (devices aggregated)</td>
              <td>{percent(metrics.exitAccuracy.local)}</td>
            </tr>
            {metrics.exitAccuracy.edge !== null ? (
              <tr data-exit="edge">
                <td>edge</td>
                <td>{percent(metrics.exitAccuracy.edge)}</td>
              </tr>
            ) : null}
            <tr data-exit="cloud">
              <td>cloud</td>
              <td>{percent(metrics.exitAccuracy.cloud)}</td>
            </tr>
            <tr data-exit="overall">
              <td>overall at T (local exit {percent(op.localExitRate)})</td>
              <td>{percent(op.overallAccuracy)}</td>
            </tr>
          </tbody>
        </table>
        <table className="accuracy" data-testid="device-accuracy">
          <caption>Accuracy per end device (its own exit, its view's label)</caption>
          <thead>
            <tr>
              <th>Device</th>
              <th>Accuracy</th>
            </tr>
          </thead>
          <tbody>
            {metrics.deviceAccuracy.map((acc, d) => (
              <tr key={d} data-device={d}>
                <td>device {d}</td>
                <td>{percent(acc)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table data-testid="partitions">
          <caption>
            Partitions ({bytes(v.partitions.reduce((s, p) => s + p.sizeBytes, 0))} in all)
          </caption>
          <thead>
            <tr>
              <th>Tier</th>
              <th>Device</th>
              <th>Size</th>
            </tr>
          </thead>
          <tbody>
            {v.partitions.map((p) => (
              <tr key={p.id}>
                <td>{p.tier}</td>
                <td>{p.deviceIndex ?? '—'}</td>
                <td data-bytes={p.sizeBytes}>{bytes(p.sizeBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">
        Per device and sample: {metrics.communication.featureBytesPerDevice} B of features when it
        goes to the cloud, {metrics.communication.scoreBytesPerDevice} B of class scores always; raw
        views would be {metrics.communication.rawViewBytes} B (
        {metrics.communication.reductionVsRaw.toFixed(1)}x more at T).
      </p>
      <div className="charts">
        {sweepSpec ? <VegaLiteChart spec={sweepSpec} testId="threshold-plot" /> : null}
        {faultSpec ? <VegaLiteChart spec={faultSpec} testId="fault-tolerance" /> : null}
      </div>
    </section>
  );
}
