import * as tf from '@tensorflow/tfjs-core';
import type { EngineBackendName } from '../backend/engine-backend';
import { simdKernelsEnabled } from '../backend/simd-kernels';
import { PreparedData } from '../data/prepared-data';
import type { DdnnModel } from '../model/ddnn-model';
import type { BatchNormUpdate } from '../model/tier-forward';
import type { BatchNormStats, ShardGradients } from './shard-protocol';
import { acquireShardThreads, releaseShardThreads, type ShardThread } from './shard-threads';
import {
  labelledCounts,
  stepGradients,
  trainableEntries,
  type StepGradients,
} from './step-gradients';
import { addTimelineMarks, markPhase, timelineRecording } from './step-timeline';
import type { TrainingHyperparameters } from './training-options';

/** Upper bound of trainModel's `threads` option. */
export const MAX_TRAINING_THREADS = 64;

/**
 * Splits a batch of `size` rows into at most `threads` contiguous shards of at least 2 rows
 * (BatchNorm needs 2), as even as possible, the larger ones first. Returns shard lengths.
 */
export function shardSizes(size: number, threads: number): number[] {
  const shards = Math.max(1, Math.min(threads, Math.floor(size / 2)));
  const base = Math.floor(size / shards);
  const extra = size % shards;
  return Array.from({ length: shards }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * Data-parallel training steps: each batch is split into shards (shardSizes); this thread
 * computes the first, training threads (each its own tfjs backend and WASM instance) the others,
 * all from the same weights. The shards' gradients are summed in shard order, so a run is
 * deterministic for a given seed and thread count. Each shard's loss divides by the whole
 * batch's labelled rows, so the sum is the gradient of the batch's mean loss.
 *
 * BatchNorm normalizes each shard with the shard's own statistics (as PyTorch's
 * DistributedDataParallel does without SyncBatchNorm); the moving averages are updated with the
 * whole batch's mean and variance, combined exactly from the shards'. So a run with T threads
 * differs from a run with 1 (as it would in PyTorch), and matches itself exactly.
 */
export class DataParallelSteps {
  private constructor(
    private readonly model: DdnnModel,
    /** The run's data, in shared memory (the threads read the same arrays). */
    readonly data: PreparedData,
    private readonly hp: TrainingHyperparameters,
    private readonly threads: ShardThread[],
  ) {}

  /** Starts (or reuses) `threads - 1` training threads with the model's config and the data. */
  static async start(
    model: DdnnModel,
    data: PreparedData,
    hp: TrainingHyperparameters,
    threads: number,
    backend: EngineBackendName,
  ): Promise<DataParallelSteps> {
    const parts = data.shared();
    const workers = acquireShardThreads(threads - 1);
    try {
      await Promise.all(
        workers.map((w) =>
          w.call({
            type: 'init',
            backend,
            simd: simdKernelsEnabled(),
            config: model.config,
            hp,
            data: parts,
          }),
        ),
      );
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    return new DataParallelSteps(model, PreparedData.fromParts(parts), hp, workers);
  }

  /** Gradients, batch statistics and exit figures of the batch `indices`, as stepGradients. */
  async gradients(indices: Int32Array, droppedDevice: number | null): Promise<StepGradients> {
    markPhase('step started');
    const sizes = shardSizes(indices.length, this.threads.length + 1);
    const shards: Int32Array[] = [];
    for (let i = 0, start = 0; i < sizes.length; start += sizes[i], i++) {
      shards.push(indices.subarray(start, start + sizes[i]));
    }
    const denominators = labelledCounts(this.model, this.data, indices);
    const variables = trainableEntries(this.model);
    const weights = variables.map(([, v]) => v.dataSync() as Float32Array);
    const remote = shards.slice(1).map((shard, i) =>
      this.threads[i].call({
        type: 'step',
        weights,
        indices: shard,
        droppedDevice,
        denominators,
        timeline: timelineRecording(),
      }),
    );
    const settled = Promise.allSettled(remote);
    markPhase('shards posted');
    const local = stepGradients(
      this.model,
      this.data,
      shards[0],
      this.hp,
      droppedDevice,
      denominators,
    );
    markPhase('own shard computed');
    let others: ShardGradients[];
    try {
      const replies = await settled;
      markPhase('replies received');
      others = replies.map((r) => {
        if (r.status === 'rejected') throw r.reason;
        if (r.value.type !== 'gradients') throw new Error(`unexpected reply ${r.value.type}`);
        if (r.value.timeline) addTimelineMarks(r.value.timeline);
        return r.value;
      });
    } catch (error) {
      tf.dispose(local.grads);
      for (const u of local.bnUpdates) tf.dispose([u.mean, u.variance]);
      throw error;
    }
    return {
      grads: sumGradients(variables, local.grads, others),
      bnUpdates: local.bnUpdates.map((u, l) =>
        combineBatchNorm(
          u,
          others.map((o) => o.bn[l]),
        ),
      ),
      losses: local.losses.map((x, k) => others.reduce((s, o) => s + o.losses[k], x)),
      correct: local.correct.map((x, k) => others.reduce((s, o) => s + o.correct[k], x)),
      counted: local.counted.map((x, k) => others.reduce((s, o) => s + o.counted[k], x)),
    };
  }

  /** Hands the training threads back to the idle set (their model and data dropped). */
  async close(): Promise<void> {
    await releaseShardThreads(this.threads);
  }
}

/** Sums this thread's gradients and the others', in shard order; disposes this thread's. */
function sumGradients(
  variables: [string, tf.Variable][],
  local: tf.NamedTensorMap,
  others: ShardGradients[],
): tf.NamedTensorMap {
  const sums: tf.NamedTensorMap = {};
  try {
    variables.forEach(([, v], i) => {
      const own = local[v.name];
      // absent when the variable took no part (a dropped device): the same in every shard
      if (!own) return;
      const sum = Float32Array.from(own.dataSync() as Float32Array);
      for (const other of others) {
        const g = other.grads[i];
        for (let j = 0; j < sum.length; j++) sum[j] += g[j];
      }
      sums[v.name] = tf.tensor(sum, v.shape, 'float32');
    });
  } finally {
    tf.dispose(local);
  }
  return sums;
}

/**
 * The whole batch's mean and (biased) variance per channel from the shards': the count-weighted
 * mean of the means, and the mean of the variances plus the variance of the means (float64).
 * Disposes the local update's tensors.
 */
function combineBatchNorm(local: BatchNormUpdate, others: BatchNormStats[]): BatchNormUpdate {
  const shards: BatchNormStats[] = [
    {
      mean: local.mean.dataSync() as Float32Array,
      variance: local.variance.dataSync() as Float32Array,
      count: local.count,
    },
    ...others,
  ];
  tf.dispose([local.mean, local.variance]);
  const channels = shards[0].mean.length;
  const total = shards.reduce((n, s) => n + s.count, 0);
  const mean = new Float64Array(channels);
  for (const s of shards) {
    for (let c = 0; c < channels; c++) mean[c] += (s.count * s.mean[c]) / total;
  }
  const variance = new Float64Array(channels);
  for (const s of shards) {
    for (let c = 0; c < channels; c++) {
      const d = s.mean[c] - mean[c];
      variance[c] += (s.count * (s.variance[c] + d * d)) / total;
    }
  }
  return {
    bn: local.bn,
    mean: tf.tensor1d(Float32Array.from(mean)),
    variance: tf.tensor1d(Float32Array.from(variance)),
    count: total,
  };
}
