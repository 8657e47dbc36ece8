import type { TrainingProgressEvent } from '@ddnn/contracts';
import type { ProtocolProgress } from '@ddnn/engine';
import { type TrainingJobsRepository, toDbBytes } from '@ddnn/persistence';

/**
 * Writes each epoch's progress with the checkpoint the engine took at that epoch. The engine
 * hands over the checkpoint just before the epoch's progress; both are written in one
 * transaction, so a worker dying in between never leaves a checkpoint whose epoch is missing from
 * the history (the resumed run would skip that epoch). Then the queue hears of the epoch.
 */
export class EpochRecorder {
  private pendingCheckpoint?: { bytes: Uint8Array; epoch: number };

  constructor(
    private readonly jobs: TrainingJobsRepository,
    private readonly trainingJobId: string,
    private readonly reportProgress: (event: TrainingProgressEvent) => Promise<void>,
  ) {}

  readonly onCheckpoint = (bytes: Uint8Array, epoch: number): void => {
    this.pendingCheckpoint = { bytes, epoch };
  };

  readonly onEpoch = async (p: ProtocolProgress): Promise<void> => {
    const checkpoint =
      this.pendingCheckpoint?.epoch === p.epoch ? this.pendingCheckpoint : undefined;
    this.pendingCheckpoint = undefined;
    // p.epochs is the protocol's own count (2 x epochs when it refits)
    await this.jobs.recordEpoch(
      this.trainingJobId,
      p,
      checkpoint && { bytes: toDbBytes(checkpoint.bytes), epoch: checkpoint.epoch },
    );
    await this.reportProgress({
      trainingJobId: this.trainingJobId,
      ...p,
      progress: (100 * p.epoch) / p.epochs,
    });
  };
}
