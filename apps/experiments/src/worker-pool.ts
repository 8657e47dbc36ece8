/**
 * Runs training jobs in parallel child processes (experiment-worker.js), a fixed number at a time,
 * longest first. Results come back in the order the jobs were given. A job that fails, or a
 * worker that dies, fails the whole run with the job's label in the message.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { ExperimentSettings } from './experiment-results';
import type { WorkerReply, WorkerRequest } from './experiment-worker';
import type { JobResult, TrainingJob } from './training-job';

const WORKER_SCRIPT = path.join(__dirname, 'experiment-worker.js');

/** Relative cost of a job, for longest-first scheduling: epochs x devices x training samples. */
export function jobCost(job: TrainingJob, settings: ExperimentSettings): number {
  const samples = job.dataset === 'mnist-6' ? settings.mnist.trainSize / 4 : settings.trainSize;
  return job.epochs * job.views * samples;
}

export async function runJobs(
  jobs: readonly TrainingJob[],
  settings: ExperimentSettings,
  workers: number,
  onDone: (job: TrainingJob, result: JobResult) => void,
): Promise<JobResult[]> {
  const order = jobs
    .map((job, i) => ({ job, i }))
    .sort((a, b) => jobCost(b.job, settings) - jobCost(a.job, settings));
  const results: JobResult[] = new Array<JobResult>(jobs.length);
  let next = 0;
  const children: ChildProcess[] = [];
  const lane = async (child: ChildProcess): Promise<void> => {
    while (next < order.length) {
      const { job, i } = order[next++];
      const result = await runOne(child, { id: i, job, settings });
      results[i] = result;
      onDone(job, result);
    }
  };
  try {
    const lanes = Array.from({ length: Math.max(1, Math.min(workers, jobs.length)) }, () => {
      const child = fork(WORKER_SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.push(child);
      return lane(child);
    });
    await Promise.all(lanes);
  } finally {
    for (const child of children) if (child.connected) child.disconnect();
    for (const child of children) if (child.exitCode === null) child.kill();
  }
  return results;
}

function runOne(child: ChildProcess, request: WorkerRequest): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: WorkerReply) => {
      if (reply.id !== request.id) return;
      cleanup();
      if (reply.ok) resolve(reply.result);
      else reject(new Error(`${request.job.label} failed in worker ${child.pid}: ${reply.error}`));
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(
        new Error(
          `worker ${child.pid} exited (code ${code}, signal ${signal}) during ${request.job.label}`,
        ),
      );
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send(request);
  });
}
