import '../backend/register-gradients';
import * as tf from '@tensorflow/tfjs-core';
import type { MultiViewData } from '@ddnn/model-spec';
import { PreparedData } from '../data/prepared-data';
import type { EngineBackendName } from '../backend/engine-backend';
import type { DdnnModel } from '../model/ddnn-model';
import { BN_MOMENTUM, BatchNormUpdate } from '../model/tier-forward';
import { createRandom, deriveSeed, shuffledIndices } from '../random/seeded-random';
import { BestEpochKeeper } from './best-epoch-keeper';
import { DataParallelSteps, MAX_TRAINING_THREADS } from './data-parallel-steps';
import { HostAdam } from './host-adam';
import { markPhase } from './step-timeline';
import {
  exitKeys,
  exitWeightList,
  stepGradients,
  trainableEntries,
  type StepGradients,
} from './step-gradients';
import { decodeCheckpoint, encodeCheckpoint } from './training-checkpoint';
import {
  EpochProgress,
  TrainOptions,
  TrainSummary,
  TrainingHyperparameters,
  trainingHyperparametersSchema,
} from './training-options';

function applyBatchNormUpdates(updates: BatchNormUpdate[]): void {
  tf.tidy(() => {
    for (const u of updates) {
      const unbiased = u.count > 1 ? u.count / (u.count - 1) : 1;
      u.bn.movingMean.assign(
        tf.add(tf.mul(u.bn.movingMean, BN_MOMENTUM), tf.mul(u.mean, 1 - BN_MOMENTUM)),
      );
      u.bn.movingVariance.assign(
        tf.add(
          tf.mul(u.bn.movingVariance, BN_MOMENTUM),
          tf.mul(u.variance, (1 - BN_MOMENTUM) * unbiased),
        ),
      );
    }
  });
  for (const u of updates) {
    u.mean.dispose();
    u.variance.dispose();
  }
}

/** One optimizer step over `indices`: on this thread, or data-parallel over training threads. */
async function trainStep(
  model: DdnnModel,
  optimizer: HostAdam,
  data: PreparedData,
  parallel: DataParallelSteps | null,
  indices: Int32Array,
  hp: TrainingHyperparameters,
  droppedDevice: number | null,
): Promise<Pick<StepGradients, 'losses' | 'correct' | 'counted'>> {
  if (!parallel) markPhase('step started');
  const step = parallel
    ? await parallel.gradients(indices, droppedDevice)
    : stepGradients(model, data, indices, hp, droppedDevice);
  markPhase('gradients summed');
  try {
    optimizer.apply(trainableEntries(model), step.grads);
    markPhase('Adam applied');
  } catch (error) {
    for (const u of step.bnUpdates) tf.dispose([u.mean, u.variance]);
    throw error;
  } finally {
    tf.dispose(step.grads);
  }
  applyBatchNormUpdates(step.bnUpdates);
  markPhase('BatchNorm averages updated');
  return step;
}

/** Tags the device-dropout random stream apart from the shuffle's. */
const DROPOUT_STREAM = 0xd20f;

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Joint training of every exit: summed (weighted) softmax cross-entropy, Adam. Deterministic:
 * the same seed and data give the same weights; each epoch's order derives from (seed, epoch),
 * so a run resumed from its epoch-k checkpoint ends exactly where an uninterrupted run does.
 *
 * `data` may be prepared already (`new PreparedData(data, numClasses)`, validated for the
 * model's class count): a caller that trains several times on the same data, or a benchmark
 * that times the training alone, prepares it once. The result is the same either way.
 */
export async function trainModel(
  model: DdnnModel,
  data: MultiViewData | PreparedData,
  options: TrainOptions,
): Promise<TrainSummary> {
  const { onEpoch, signal, onCheckpoint, resumeFrom, keepBest, threads = 1, ...raw } = options;
  const hp = trainingHyperparametersSchema.parse(raw);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_TRAINING_THREADS) {
    throw new Error(
      `threads must be an integer from 1 to ${MAX_TRAINING_THREADS} (got ${threads}); 1 trains on this thread only`,
    );
  }
  if (hp.deviceDropout > 0 && model.config.numDevices < 2) {
    throw new Error(
      `deviceDropout ${hp.deviceDropout} needs at least 2 devices: this model has one, and dropping it would leave nothing to train`,
    );
  }
  if (data.numViews !== model.config.numDevices) {
    throw new Error(
      `the data has ${data.numViews} views but the model has ${model.config.numDevices} devices`,
    );
  }
  if (data.viewShape.join('x') !== model.config.inputShape.join('x')) {
    throw new Error(
      `the data's views are ${data.viewShape.join('x')} but the model expects ${model.config.inputShape.join('x')}`,
    );
  }
  if (data instanceof PreparedData && data.numClasses !== model.config.numClasses) {
    throw new Error(
      `the data was prepared for ${data.numClasses} classes but the model has ${model.config.numClasses}`,
    );
  }
  let prepared =
    data instanceof PreparedData ? data : new PreparedData(data, model.config.numClasses);
  const keeper = keepBest ? new BestEpochKeeper(model, keepBest.validation) : null;
  const optimizer = new HostAdam(hp.learningRate, 0.9, 0.999, 1e-8);
  const keys = exitKeys(model);
  const weights = exitWeightList(model, hp);
  let history: EpochProgress[] = [];
  let startEpoch = 0;
  const started = Date.now();
  if (resumeFrom) {
    const checkpoint = decodeCheckpoint(resumeFrom);
    if (JSON.stringify(checkpoint.meta.config) !== JSON.stringify(model.config)) {
      throw new Error('the checkpoint was made for a different model config');
    }
    checkpoint.restore(model, optimizer);
    if (keeper && checkpoint.best) keeper.load(checkpoint.best);
    history = checkpoint.meta.history;
    startEpoch = checkpoint.meta.epoch;
  }
  const n = prepared.numSamples;
  if (n < 2) throw new Error('training needs at least 2 samples (BatchNorm)');
  const parallel =
    threads > 1
      ? await DataParallelSteps.start(
          model,
          prepared,
          hp,
          threads,
          tf.getBackend() as EngineBackendName,
        )
      : null;
  if (parallel) prepared = parallel.data;
  try {
    for (let epoch = startEpoch; epoch < hp.epochs; epoch++) {
      const order = shuffledIndices(n, deriveSeed(hp.seed, epoch));
      // Its own stream per epoch, so a resumed run drops the same devices as an uninterrupted one.
      const dropRandom = createRandom(deriveSeed(hp.seed, epoch, DROPOUT_STREAM));
      const lossSum = new Array<number>(keys.length).fill(0);
      const correct = new Array<number>(keys.length).fill(0);
      const counted = new Array<number>(keys.length).fill(0);
      let start = 0;
      while (start < n) {
        if (signal?.aborted) {
          return {
            epochsRun: epoch,
            cancelled: true,
            history,
            elapsedMs: Date.now() - started,
            keptEpoch: null,
          };
        }
        // a batch of one gives BatchNorm no statistics: fold a lone tail into the previous batch
        const end = n - (start + hp.batchSize) < 2 ? n : start + hp.batchSize;
        const dropped =
          hp.deviceDropout > 0 && model.config.numDevices > 1 && dropRandom() < hp.deviceDropout
            ? Math.floor(dropRandom() * model.config.numDevices)
            : null;
        const step = await trainStep(
          model,
          optimizer,
          prepared,
          parallel,
          order.subarray(start, end),
          hp,
          dropped,
        );
        for (let k = 0; k < keys.length; k++) {
          lossSum[k] += step.losses[k] * step.counted[k];
          correct[k] += step.correct[k];
          counted[k] += step.counted[k];
        }
        start = end;
        await nextTick();
      }
      const losses: Record<string, number> = {};
      const accuracies: Record<string, number> = {};
      let total = 0;
      keys.forEach((key, k) => {
        losses[key] = counted[k] ? lossSum[k] / counted[k] : 0;
        accuracies[key] = counted[k] ? correct[k] / counted[k] : 0;
        total += weights[k] * losses[key];
      });
      losses.total = total;
      const elapsedMs = Date.now() - started;
      const done = epoch + 1 - startEpoch;
      const progress: EpochProgress = {
        epoch: epoch + 1,
        epochs: hp.epochs,
        losses,
        accuracies,
        elapsedMs,
        etaMs: Math.round((elapsedMs / done) * (hp.epochs - epoch - 1)),
      };
      history = [...history, progress];
      keeper?.observe(epoch + 1);
      if (onCheckpoint) {
        await onCheckpoint(
          encodeCheckpoint(model, optimizer, epoch + 1, hp, history, keeper?.state() ?? null),
          epoch + 1,
        );
      }
      if (onEpoch) await onEpoch(progress);
    }
  } finally {
    await parallel?.close();
  }
  return {
    epochsRun: hp.epochs - startEpoch,
    cancelled: false,
    history,
    elapsedMs: Date.now() - started,
    keptEpoch: keeper?.state() ? keeper.restoreBest() : null,
  };
}
