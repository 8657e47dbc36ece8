import { useEffect } from 'react';
import type { TrainingJob } from '../api/types';
import { ProgressBar } from '../components/progress-bar';
import { dateTime, duration } from '../format';
import { jobDuration } from './job-duration';
import { useLiveProgress } from './use-live-progress';

/** One job of the list; its progress bar follows the live subscription while the job runs. */
export function JobRow({
  job,
  selected,
  onLiveEvent,
}: {
  job: TrainingJob;
  selected: boolean;
  onLiveEvent: () => void;
}) {
  const { latest, error } = useLiveProgress(job.id, job.status);
  useEffect(() => {
    if (latest) onLiveEvent();
    // Each event (an epoch finished, or the final state) is worth one refresh of the list.
  }, [latest, onLiveEvent]);
  // The newer of the polled row and the live event wins.
  const live = latest && latest.epoch >= job.currentEpoch ? latest : undefined;
  const status = live && job.status !== 'COMPLETED' ? live.status : job.status;
  const epoch = live ? live.epoch : job.currentEpoch;
  const progress = status === 'COMPLETED' ? 1 : live ? live.progress : job.progress;
  const eta =
    status === 'RUNNING' && progress < 1 && live?.etaMs !== null && live?.etaMs !== undefined
      ? ` · ETA ${duration(live.etaMs)}`
      : '';
  return (
    <tr className={selected ? 'selected' : ''} data-job-id={job.id}>
      <td>
        <a href={`#/jobs/${job.id}`}>{job.model.name}</a>
      </td>
      <td>{job.dataset.name}</td>
      <td className="job-created">{dateTime(job.createdAt)}</td>
      <td className="job-duration">{jobDuration(job)}</td>
      <td>
        <span className={`status status-${status.toLowerCase()}`}>{status}</span>
      </td>
      <td className="progress-cell">
        <ProgressBar fraction={progress} label={`epoch ${epoch}/${job.totalEpochs}${eta}`} />
        {error ? <div className="hint">{error}</div> : null}
      </td>
      <td className="job-error">{job.error ?? ''}</td>
    </tr>
  );
}
