import * as tf from '@tensorflow/tfjs-core';
import type { PreparedData } from '../data/prepared-data';
import type { DdnnModel } from '../model/ddnn-model';
import type { BatchNormUpdate } from '../model/tier-forward';
import { countCorrect, maskedCrossEntropy, oneHotMasked } from './exit-losses';
import type { TrainingHyperparameters } from './training-options';

/** Exit keys in the order a step reports them: device0.., then the model's exit names. */
export function exitKeys(model: DdnnModel): string[] {
  const keys = model.params.devices.map((_, v) => `device${v}`);
  return [...keys, ...model.exitNames];
}

export function exitWeightList(model: DdnnModel, hp: TrainingHyperparameters): number[] {
  return [
    ...model.params.devices.map(() => hp.exitWeights.device),
    ...model.exitNames.map((name) => hp.exitWeights[name]),
  ];
}

/** The trainable variables in model order, with their stable names. */
export function trainableEntries(model: DdnnModel): [string, tf.Variable][] {
  return [...model.variables].filter(([, v]) => v.trainable);
}

/**
 * Per exit, the number of labelled rows among `indices`: the denominators of the whole batch's
 * mean losses (device exits count present views only; every sample has a global label).
 */
export function labelledCounts(
  model: DdnnModel,
  data: PreparedData,
  indices: Int32Array,
): number[] {
  const V = model.config.numDevices;
  const counts: number[] = [];
  for (let v = 0; v < V; v++) {
    counts.push(data.deviceLabels(v, indices).reduce((n, l) => n + (l >= 0 ? 1 : 0), 0));
  }
  for (let e = 0; e < model.exitNames.length; e++) counts.push(indices.length);
  return counts;
}

export interface StepGradients {
  /** Gradients keyed by each trainable variable's tfjs name (the caller disposes them). */
  grads: tf.NamedTensorMap;
  /** Batch statistics of every training-mode BatchNorm, in forward order (caller disposes). */
  bnUpdates: BatchNormUpdate[];
  /** Per exit: the loss (see `denominators`), correct and labelled rows among `indices`. */
  losses: number[];
  correct: number[];
  counted: number[];
}

/**
 * Forward and backward pass of one training step over `indices` (no update). Each exit's loss
 * is the sum of its rows' cross-entropies divided by `denominators[exit]` when given (a shard
 * of a larger batch divides by the whole batch's counts, so the shards' gradients add up to
 * the batch's), else by the rows counted here (the batch mean).
 */
export function stepGradients(
  model: DdnnModel,
  data: PreparedData,
  indices: Int32Array,
  hp: TrainingHyperparameters,
  droppedDevice: number | null,
  denominators: number[] | null = null,
): StepGradients {
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
    const variables = trainableEntries(model);
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
        const losses = scores.map((s, i) => {
          if (i === droppedDevice) return tf.scalar(0);
          const target = i < V ? perDevice[i] : global;
          return maskedCrossEntropy(s, target.oneHot, denominators?.[i] ?? target.count);
        });
        const weights = exitWeightList(model, hp);
        const total = tf.addN(losses.map((l, i) => tf.mul(l, weights[i]))) as tf.Scalar;
        kept = [tf.keep(tf.stack(losses)), tf.keep(tf.concat(scores, 1))];
        return total;
      },
      variables.map(([, v]) => v),
    );
    value.dispose();
    const losses = Array.from(kept[0].dataSync());
    const allScores = kept[1].dataSync() as Float32Array;
    const exits = losses.length;
    const correct: number[] = [];
    const counted: number[] = [];
    const b = indices.length;
    for (let e = 0; e < exits; e++) {
      if (e === droppedDevice) {
        correct.push(0);
        counted.push(0);
        continue;
      }
      const scores = new Float32Array(b * C);
      for (let i = 0; i < b; i++) {
        scores.set(allScores.subarray(i * exits * C + e * C, i * exits * C + (e + 1) * C), i * C);
      }
      const labels = e < V ? deviceLabels[e] : globalLabels;
      correct.push(countCorrect(scores, labels, C));
      counted.push(labels.reduce((n, l) => n + (l >= 0 ? 1 : 0), 0));
    }
    return { grads, bnUpdates, losses, correct, counted };
  } catch (error) {
    for (const u of bnUpdates) tf.dispose([u.mean, u.variance]);
    throw error;
  } finally {
    for (const t of [...allInputs, global.oneHot, ...perDevice.map((p) => p.oneHot), ...kept]) {
      t.dispose();
    }
  }
}
