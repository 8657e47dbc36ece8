import type { TrainingProgressEvent } from '@ddnn/contracts';
import { type DdnnModel, runTrainingProtocol, serializeModel } from '@ddnn/engine';
import { DatasetsRepository, type PrismaClient, TrainingJobsRepository } from '@ddnn/persistence';
import { UnrecoverableError } from 'bullmq';
import { recordAttemptFailure, recordUnrecoverableFailure } from './attempt-failure';
import { watchForCancel } from './cancel-watch';
import { EpochRecorder } from './epoch-recorder';
import { loadTrainingInputs, type TrainingInputs } from './training-inputs';
import { CancelledBeforePublishError, publishVersion } from './version-publisher';

/** The part of a BullMQ job the training logic needs (sandboxed or not). */
export interface TrainingQueueJob {
  id?: string;
  data: { trainingJobId: string };
  attemptsMade: number;
  opts: { attempts?: number };
  updateProgress(progress: TrainingProgressEvent): Promise<void>;
}

export type TrainingOutcome =
  | { outcome: 'completed'; versionId: string; version: number; created: boolean }
  | { outcome: 'cancelled'; epoch: number };

/**
 * Trains one recorded training job: resumes from its last checkpoint, reports every epoch to
 * BullMQ and PostgreSQL (epoch-recorder.ts), stops when cancelled (cancel-watch.ts), records a
 * failed attempt by the retry policy (attempt-failure.ts) and publishes the version exactly once
 * (version-publisher.ts). Inputs the engine would refuse fail the job at once (training-inputs.ts).
 */
export async function runTrainingJob(
  prisma: PrismaClient,
  job: TrainingQueueJob,
  /** Data-parallel threads per step (TRAINING_THREADS); 1 when not given. */
  execution: { threads?: number } = {},
): Promise<TrainingOutcome> {
  const id = job.data.trainingJobId;
  const jobs = new TrainingJobsRepository(prisma);
  const row = await jobs.findForRun(id);
  if (!row)
    throw new UnrecoverableError(`training job ${id} is not recorded (removed); nothing to do`);
  if (row.version) {
    return {
      outcome: 'completed',
      versionId: row.version.id,
      version: row.version.version,
      created: false,
    };
  }
  if (row.cancelRequested || row.status === 'CANCELLED') {
    await jobs.markCancelled(id);
    return { outcome: 'cancelled', epoch: row.currentEpoch };
  }
  if (row.status === 'FAILED' || row.status === 'COMPLETED') {
    // Settled already (e.g. failed by the reaper): a late copy of the queue job must not revive it.
    throw new UnrecoverableError(`training job ${id} is already ${row.status.toLowerCase()}`);
  }
  await jobs.update(id, {
    status: 'RUNNING',
    attempts: job.attemptsMade + 1,
    startedAt: row.startedAt ?? new Date(),
    error: null,
  });

  let inputs: TrainingInputs;
  try {
    inputs = await loadTrainingInputs(new DatasetsRepository(prisma), row);
  } catch (error) {
    throw new UnrecoverableError(await recordUnrecoverableFailure(jobs, id, error));
  }
  const cancel = watchForCancel(jobs, id);
  const recorder = new EpochRecorder(jobs, id, (event) => job.updateProgress(event));
  let model: DdnnModel | undefined;
  try {
    // The engine's one training protocol (split, train, choose T on the split, evaluate, cut);
    // its checkpoints resume exactly.
    const result = await runTrainingProtocol({
      config: inputs.config,
      train: inputs.train,
      test: inputs.test,
      classNames: inputs.classNames,
      hyperparameters: inputs.params,
      threads: execution.threads ?? 1,
      signal: cancel.signal,
      resumeFrom: row.checkpoint ?? undefined,
      onCheckpoint: recorder.onCheckpoint,
      onEpoch: recorder.onEpoch,
    });
    if (result.cancelled) {
      await jobs.markCancelled(id);
      return { outcome: 'cancelled', epoch: result.epoch };
    }
    model = result.model;
    const published = await publishVersion(prisma, {
      trainingJobId: id,
      modelId: row.modelId,
      datasetId: row.datasetId,
      config: inputs.config,
      report: result.report!,
      keptEpoch: null,
      threshold: result.selection.threshold,
      weights: serializeModel(result.model),
      partitions: result.partitions,
    });
    return { outcome: 'completed', ...published };
  } catch (error) {
    if (error instanceof CancelledBeforePublishError) {
      await jobs.markCancelled(id);
      return { outcome: 'cancelled', epoch: row.totalEpochs };
    }
    const attempt = { attemptsMade: job.attemptsMade, attempts: job.opts.attempts ?? 1 };
    await recordAttemptFailure(jobs, id, attempt, error);
    throw error;
  } finally {
    cancel.stop();
    model?.dispose();
  }
}
