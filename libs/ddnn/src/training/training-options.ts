import type { MultiViewData } from '@ddnn/model-spec';
import type { PreparedData } from '../data/prepared-data';
import type { KeptEpoch } from './best-epoch-keeper';
import { z } from 'zod';

export const exitWeightsSchema = z
  .object({
    device: z.number().min(0).default(1),
    local: z.number().min(0).default(1),
    edge: z.number().min(0).default(1),
    cloud: z.number().min(0).default(1),
  })
  .strict();

export const trainingHyperparametersSchema = z
  .object({
    epochs: z.number().int().min(1).max(10000),
    batchSize: z.number().int().min(2).max(100000),
    learningRate: z.number().gt(0).max(1),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1),
    exitWeights: exitWeightsSchema.default({ device: 1, local: 1, edge: 1, cloud: 1 }),
    /**
     * Probability, per training batch, that one end device (drawn at random) is left out as if
     * it had failed: its exit gets no loss, MP/AP aggregate the others, CC sees zeros in its slot,
     * exactly as at inference with a missing device. Teaches the upper tiers to cope with a
     * failed device. 0 (the default) is the paper's training.
     */
    deviceDropout: z.number().min(0).max(1).default(0),
  })
  .strict();

export type ExitWeights = z.infer<typeof exitWeightsSchema>;
export type TrainingHyperparameters = z.infer<typeof trainingHyperparametersSchema>;

export interface EpochProgress {
  /** 1-based epoch just finished. */
  epoch: number;
  epochs: number;
  /** Mean loss per exit ('device0'.., 'local', 'edge', 'cloud') and 'total'. */
  losses: Record<string, number>;
  /** Training accuracy per exit (device exits over present views only). */
  accuracies: Record<string, number>;
  elapsedMs: number;
  etaMs: number;
}

export interface TrainOptions extends z.input<typeof trainingHyperparametersSchema> {
  onEpoch?: (progress: EpochProgress) => void | Promise<void>;
  /** Checked between steps; training stops at the next step boundary and reports cancelled. */
  signal?: AbortSignal;
  /** Called after every epoch with a checkpoint from which training resumes exactly. */
  onCheckpoint?: (checkpoint: Uint8Array, epoch: number) => void | Promise<void>;
  resumeFrom?: Uint8Array;
  /**
   * Threads a step runs on (1 to 64, default 1). With T > 1 each batch is split into T shards
   * computed at once, this thread and T - 1 worker threads (each its own tfjs backend), and
   * their gradients summed in a fixed order: a run is deterministic for a given seed and T, and
   * resumes exactly from its checkpoints with the same T. BatchNorm normalizes each shard with
   * its own statistics (as PyTorch's DDP), so results differ between thread counts. The
   * default 1 keeps the results of every earlier run. Needs `npm run build` (threads start
   * from the compiled shard-worker.js).
   */
  threads?: number;
  /**
   * Held-out validation data: after every epoch the model is scored on it (local + cloud exit
   * accuracy) and the best epoch's weights are kept (in checkpoints too); training ends with
   * them in the model and `keptEpoch` in the summary. Never pass the test set.
   */
  keepBest?: { validation: MultiViewData | PreparedData };
}

export interface TrainSummary {
  epochsRun: number;
  cancelled: boolean;
  history: EpochProgress[];
  elapsedMs: number;
  /** With keepBest: the epoch whose weights the model holds now (null when cancelled). */
  keptEpoch: KeptEpoch | null;
}
