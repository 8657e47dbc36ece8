import '../backend/register-gradients';
import * as tf from '@tensorflow/tfjs-core';
import type { MultiViewData } from '../data/multi-view-data';
import { PreparedData } from '../data/prepared-data';
import type { DdnnModel } from '../model/ddnn-model';
import { BN_MOMENTUM, BatchNormUpdate } from '../model/tier-forward';
import { createRandom, deriveSeed, shuffledIndices } from '../random/seeded-random';
import { countCorrect, maskedCrossEntropy, oneHotMasked } from './exit-losses';
import { BestEpochKeeper } from './best-epoch-keeper';
import { HostAdam } from './host-adam';
import { decodeCheckpoint, encodeCheckpoint } from './training-checkpoint';
import {
  EpochProgress,
  TrainOptions,
  TrainSummary,
  TrainingHyperparameters,
  trainingHyperparametersSchema,
} from './training-options';

interface StepResult {
  /** [exits] loss values, then per exit the number of correct and of counted rows. */
  losses: number[];
  correct: number[];
  counted: number[];
}

/** Exit keys in the order the step reports them. */
function exitKeys(model: DdnnModel): string[] {
  const keys = model.params.devices.map((_, v) => `device${v}`);
  return [...keys, ...model.exitNames];
}

function exitWeightList(model: DdnnModel, hp: TrainingHyperparameters): number[] {
  return [
    ...model.params.devices.map(() => hp.exitWeights.device),
    ...model.exitNames.map((name) => hp.exitWeights[name]),
  ];
}

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

function trainStep(
  model: DdnnModel,
  optimizer: HostAdam,
  data: PreparedData,
  indices: Int32Array,
  hp: TrainingHyperparameters,
  droppedDevice: number | null,
): StepResult {
  const C = model.config.numClasses;
  const V = model.config.numDevices;
  const allInputs = data.deviceInputs(indices);
  const inputs = allInputs.map((x, v) => (v === droppedDevice ? null : x));
  const globalLabels = data.globalLabels(indices);
  const deviceLabels = Array.from({ length: V }, (_, v) => data.deviceLabels(v, indices));
  const global = oneHotMasked(globalLabels, C);
  const perDevice = deviceLabels.map((labels) => oneHotMasked(labels, C));
  const bnUpdates: BatchNormUpdate[] = [];
  let kept: tf.Tensor[] = [];
  try {
    const variables = [...model.variables].filter(([, v]) => v.trainable);
    const { value, grads } = tf.variableGrads(
      () => {
        const out = model.forward(inputs, { training: true, bnUpdates });
        // A dropped device has no exit this step: zero scores, no loss, nothing counted.
        const scores: tf.Tensor2D[] = [
          ...out.devices.map((d) => d?.scores ?? tf.zeros<tf.Rank.R2>([indices.length, C])),
          out.local,
          ...(out.edge ? [out.edge.scores] : []),
          out.cloud,
        ];
        const losses = scores.map((s, i) =>
          i === droppedDevice
            ? tf.scalar(0)
            : i < V
              ? maskedCrossEntropy(s, perDevice[i].oneHot, perDevice[i].count)
              : maskedCrossEntropy(s, global.oneHot, global.count),
        );
        const weights = exitWeightList(model, hp);
        const total = tf.addN(losses.map((l, i) => tf.mul(l, weights[i]))) as tf.Scalar;
        kept = [tf.keep(tf.stack(losses)), tf.keep(tf.concat(scores, 1))];
        return total;
      },
      variables.map(([, v]) => v),
    );
    value.dispose();
    try {
      optimizer.apply(variables, grads);
    } finally {
      tf.dispose(grads);
    }
    applyBatchNormUpdates(bnUpdates);
    const losses = Array.from(kept[0].dataSync());
    const allScores = kept[1].dataSync() as Float32Array;
    const exits = losses.length;
    const correct: number[] = [];
    const counted: number[] = [];
    const b = indices.length;
    for (let e = 0; e < exits; e++) {
      const scores = new Float32Array(b * C);
      for (let i = 0; i < b; i++) {
        scores.set(allScores.subarray(i * exits * C + e * C, i * exits * C + (e + 1) * C), i * C);
      }
      if (e === droppedDevice) {
        correct.push(0);
        counted.push(0);
        continue;
      }
      const labels = e < V ? deviceLabels[e] : globalLabels;
      correct.push(countCorrect(scores, labels, C));
      counted.push(labels.reduce((n, l) => n + (l >= 0 ? 1 : 0), 0));
    }
    return { losses, correct, counted };
  } finally {
    for (const t of [...allInputs, global.oneHot, ...perDevice.map((p) => p.oneHot), ...kept]) {
      t.dispose();
    }
  }
}

/** Tags the device-dropout random stream apart from the shuffle's. */
const DROPOUT_STREAM = 0xd20f;

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Joint training of every exit: summed (weighted) softmax cross-entropy, Adam. Deterministic:
 * the same seed and data give the same weights; each epoch's order derives from (seed, epoch),
 * so a run resumed from its epoch-k checkpoint ends exactly where an uninterrupted run does.
 */
export async function trainModel(
  model: DdnnModel,
  data: MultiViewData,
  options: TrainOptions,
): Promise<TrainSummary> {
  const { onEpoch, signal, onCheckpoint, resumeFrom, keepBest, ...raw } = options;
  const hp = trainingHyperparametersSchema.parse(raw);
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
  const prepared = new PreparedData(data, model.config.numClasses);
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
      const step = trainStep(model, optimizer, prepared, order.subarray(start, end), hp, dropped);
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
  return {
    epochsRun: hp.epochs - startEpoch,
    cancelled: false,
    history,
    elapsedMs: Date.now() - started,
    keptEpoch: keeper?.state() ? keeper.restoreBest() : null,
  };
}
