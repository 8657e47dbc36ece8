/**
 * A worker process of the experiments runner (forked by worker-pool.ts): receives training jobs
 * over IPC, runs them one at a time and sends back the results. Each worker has its own engine
 * (the WASM backend uses one core), so two workers use the machine's two cores.
 */
import { initEngineBackend } from '@ddnn/engine';
import type { ExperimentSettings } from './experiment-results';
import { jobSplits, runTrainingJob, type Splits, type TrainingJob } from './training-job';

export interface WorkerRequest {
  id: number;
  job: TrainingJob;
  settings: ExperimentSettings;
}

export type WorkerReply =
  | { id: number; ok: true; result: Awaited<ReturnType<typeof runTrainingJob>> }
  | { id: number; ok: false; error: string };

const splitsCache = new Map<string, Splits>();
let ready: Promise<string> | null = null;

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  try {
    ready ??= initEngineBackend('wasm');
    await ready;
    const { job, settings } = request;
    const key = `${JSON.stringify(settings)}|${job.dataset}|${job.views}`;
    let data = splitsCache.get(key);
    if (!data) {
      data = jobSplits(settings, job.dataset, job.views);
      splitsCache.set(key, data);
    }
    return { id: request.id, ok: true, result: await runTrainingJob(job, settings, data) };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { id: request.id, ok: false, error: message };
  }
}

// Jobs arrive one at a time (the pool waits for each reply), so they never overlap here.
process.on('message', (request: WorkerRequest) => {
  void handle(request).then((reply) => process.send?.(reply));
});
