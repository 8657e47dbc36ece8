import { useEffect, useMemo, useState } from 'react';
import type { TopLevelSpec } from 'vega-lite';
import { graphql } from '../api/graphql-client';
import { CANCEL_TRAINING, JOB_EPOCHS, RETRY_TRAINING, VERSIONS_OF_MODEL } from '../api/queries';
import type { TrainingEpoch, TrainingJob } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { useApi } from '../components/use-api';
import { VegaLiteChart } from '../components/vega-lite-chart';
import { dateTime, duration } from '../format';

type JobWithEpochs = TrainingJob & { epochs: TrainingEpoch[] };

function curveSpec(epochs: TrainingEpoch[], key: 'losses' | 'accuracies'): TopLevelSpec {
  const values = epochs.flatMap((e) =>
    Object.entries(e[key] ?? {})
      // The weighted total would flatten the per-exit curves; it is in the text above.
      .filter(([exit]) => exit !== 'total')
      .map(([exit, value]) => ({ epoch: e.epoch, exit, value })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 360,
    height: 200,
    title: key === 'losses' ? 'Loss per exit' : 'Training accuracy per exit',
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative',
        // Whole epochs only: with few epochs Vega's ticks would fall between them (1, 1.5, 2).
        axis:
          epochs.length <= 12
            ? { values: epochs.map((e) => e.epoch), format: 'd' }
            : { tickMinStep: 1, format: 'd' },
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title: key === 'losses' ? 'loss' : 'accuracy',
        ...(key === 'accuracies' ? { scale: { domain: [0, 1] } } : {}),
      },
      color: { field: 'exit', type: 'nominal' },
    },
  };
}

/** One job: live per-exit curves (refetched on each progress event), its error, cancel, retry. */
export function JobDetail({
  jobId,
  refreshKey,
  onChanged,
}: {
  jobId: string;
  refreshKey: number;
  onChanged: (newJobId?: string) => void;
}) {
  const job = useApi(
    () => graphql(JOB_EPOCHS, { id: jobId }).then((d) => d.trainingJob as JobWithEpochs),
    [jobId],
  );
  const [actionError, setActionError] = useState<unknown>();
  const { reload } = job;
  useEffect(() => {
    void reload();
  }, [refreshKey, reload]);

  const epochs = job.data?.epochs;
  const lossSpec = useMemo(() => (epochs ? curveSpec(epochs, 'losses') : undefined), [epochs]);
  const accSpec = useMemo(() => (epochs ? curveSpec(epochs, 'accuracies') : undefined), [epochs]);

  async function act(action: 'cancel' | 'retry') {
    setActionError(undefined);
    try {
      if (action === 'cancel') {
        await graphql(CANCEL_TRAINING, { id: jobId });
        onChanged();
      } else {
        onChanged((await graphql(RETRY_TRAINING, { id: jobId })).retryTraining.id);
      }
      await reload();
    } catch (e) {
      setActionError(e);
    }
  }

  if (!job.data) return <ErrorMessage error={job.error} />;
  const j = job.data;
  const last = j.epochs.at(-1);
  return (
    <section className="card job-detail" data-testid="job-detail">
      <h2>
        {j.model.name} on {j.dataset.name}{' '}
        <span className={`status status-${j.status.toLowerCase()}`}>{j.status}</span>
      </h2>
      <p className="hint">
        Job {j.id} · created {dateTime(j.createdAt)} · {j.totalEpochs} epochs, batch{' '}
        {String(j.params.batchSize)}, learning rate {String(j.params.learningRate)}
        {last
          ? ` · after epoch ${last.epoch}: ${duration(last.elapsedMs)} elapsed, total loss ${last.losses.total?.toFixed(3) ?? '—'}`
          : ''}
      </p>
      {j.error ? (
        <div className="error" role="alert" data-testid="job-error">
          <strong>Failed: </strong>
          {j.error}
        </div>
      ) : null}
      <div className="actions">
        {j.status === 'QUEUED' || j.status === 'RUNNING' ? (
          <button type="button" className="danger" onClick={() => void act('cancel')}>
            Cancel
          </button>
        ) : null}
        {j.status === 'FAILED' || j.status === 'CANCELLED' ? (
          <button type="button" onClick={() => void act('retry')}>
            Retry
          </button>
        ) : null}
        {j.status === 'COMPLETED' ? <VersionLink modelName={j.model.name} jobId={j.id} /> : null}
      </div>
      <ErrorMessage error={actionError} />
      {j.epochs.length === 0 ? (
        <p className="hint">Curves appear when the first epoch finishes.</p>
      ) : (
        <div className="charts">
          {lossSpec ? <VegaLiteChart spec={lossSpec} testId="loss-curves" /> : null}
          {accSpec ? <VegaLiteChart spec={accSpec} testId="accuracy-curves" /> : null}
        </div>
      )}
    </section>
  );
}

/** The version a completed job published (found by its training job id). */
function VersionLink({ modelName, jobId }: { modelName: string; jobId: string }) {
  const versions = useApi(
    () => graphql(VERSIONS_OF_MODEL, { modelName }).then((d) => d.modelVersions.nodes),
    [modelName, jobId],
  );
  const published = versions.data?.find((v) => v.trainingJobId === jobId);
  if (!published) return <ErrorMessage error={versions.error} />;
  return (
    <a href={`#/versions/${published.id}`} data-testid="job-version-link">
      Open {modelName} v{published.version}
    </a>
  );
}
