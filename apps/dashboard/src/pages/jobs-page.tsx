import { useCallback, useState } from 'react';
import { graphql } from '../api/graphql-client';
import { DATASETS, JOBS, MODELS } from '../api/queries';
import type { ModelSummary, TrainingJob } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { useApi } from '../components/use-api';
import { JobDetail } from './job-detail';
import { JobRow } from './job-row';
import { StartTrainingForm } from './start-training-form';

export function JobsPage({ selectedId }: { selectedId?: string }) {
  // Polling keeps the list honest for jobs started elsewhere; running jobs also move live.
  const jobs = useApi(
    () => graphql(JOBS).then((d) => d.trainingJobs.nodes as TrainingJob[]),
    [],
    5000,
  );
  const models = useApi(() => graphql(MODELS).then((d) => d.models as ModelSummary[]), []);
  const datasets = useApi(() => graphql(DATASETS).then((d) => d.datasets), []);
  const [refreshKey, setRefreshKey] = useState(0);
  const { reload: reloadJobs } = jobs;
  const onLiveEvent = useCallback(() => {
    setRefreshKey((k) => k + 1);
    void reloadJobs();
  }, [reloadJobs]);

  const select = (id: string) => {
    location.hash = `#/jobs/${id}`;
  };

  return (
    <div className="page" data-testid="jobs-page">
      <h1>Training jobs</h1>
      <ErrorMessage error={jobs.error} />
      <table className="jobs">
        <thead>
          <tr>
            <th>Model</th>
            <th>Dataset</th>
            <th>Created</th>
            <th>Duration</th>
            <th>Status</th>
            <th>Progress</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {(jobs.data ?? []).map((job) => (
            <JobRow
              key={job.id}
              job={job}
              selected={job.id === selectedId}
              onLiveEvent={onLiveEvent}
            />
          ))}
          {jobs.data?.length === 0 ? (
            <tr>
              <td colSpan={7} className="hint">
                No training jobs yet: start one below.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {selectedId ? (
        <JobDetail
          key={selectedId}
          jobId={selectedId}
          refreshKey={refreshKey}
          onChanged={(newId) => {
            void jobs.reload();
            if (newId) select(newId);
          }}
        />
      ) : null}
      {models.data && datasets.data ? (
        <StartTrainingForm
          models={models.data}
          datasets={datasets.data}
          onStarted={(id) => {
            void jobs.reload();
            select(id);
          }}
          onModelCreated={() => void models.reload()}
        />
      ) : (
        <ErrorMessage error={models.error ?? datasets.error} />
      )}
    </div>
  );
}
