import type { EngineBackendName } from '../backend/engine-backend';
import type { PreparedDataParts } from '../data/prepared-data';
import type { TimelineMark } from './step-timeline';
import type { TrainingHyperparameters } from './training-options';

/** Messages between trainModel's thread and a training thread (shard-worker.ts). */

/** Sets the thread up for one training run: its own model of the config, the shared data. */
export interface ShardInit {
  type: 'init';
  backend: EngineBackendName;
  /** Whether the SIMD kernels are on in the calling thread (setSimdKernelsEnabled). */
  simd: boolean;
  config: unknown;
  hp: TrainingHyperparameters;
  data: PreparedDataParts;
}

/** One shard of a step: the current trainable weights (model order) and the shard's rows. */
export interface ShardStep {
  type: 'step';
  weights: Float32Array[];
  indices: Int32Array;
  droppedDevice: number | null;
  /** The whole batch's labelled rows per exit (see stepGradients). */
  denominators: number[];
  /** Whether to send the step's phase marks back (step-timeline.ts). */
  timeline?: boolean;
}

export interface BatchNormStats {
  mean: Float32Array;
  variance: Float32Array;
  count: number;
}

export interface ShardGradients {
  type: 'gradients';
  /** The step's phase marks, when the request asked for them. */
  timeline?: TimelineMark[];
  /** Per trainable variable, model order. */
  grads: Float32Array[];
  /** Per training-mode BatchNorm, forward order. */
  bn: BatchNormStats[];
  losses: number[];
  correct: number[];
  counted: number[];
}

/** Drops the run's model and data (the thread then idles until the next init). */
export interface ShardReset {
  type: 'reset';
}

export type ShardRequest = ShardInit | ShardStep | ShardReset;
export type ShardReply = { type: 'ready' } | ShardGradients | { type: 'error'; message: string };
