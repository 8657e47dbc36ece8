import { useEffect, useState } from 'react';
import { subscribeTrainingProgress } from '../api/training-progress';
import type { JobStatus, TrainingProgress } from '../api/types';

const ACTIVE: JobStatus[] = ['QUEUED', 'RUNNING'];

/** The latest subscription event of a job while it is queued or running. */
export function useLiveProgress(jobId: string, status: JobStatus) {
  const [latest, setLatest] = useState<TrainingProgress>();
  const [error, setError] = useState<string>();
  const active = ACTIVE.includes(status);
  useEffect(() => {
    if (!active) return;
    return subscribeTrainingProgress(jobId, setLatest, setError);
  }, [jobId, active]);
  return { latest, error };
}
