import { JobName } from './queue-name';

/**
 * The payload is only a reference: the training job row in PostgreSQL holds the parameters,
 * so a duplicated or retried queue job always trains what the API recorded.
 */
export interface TrainModelPayload {
  trainingJobId: string;
}

/** Payload type of each job name, so producers and processors are checked at compile time. */
export interface JobPayloadMap {
  [JobName.TrainModel]: TrainModelPayload;
}

export type JobPayload<N extends JobName> = JobPayloadMap[N];

/** What a training job reports through BullMQ job progress after every epoch. */
export interface TrainingProgressEvent {
  trainingJobId: string;
  epoch: number;
  epochs: number;
  /**
   * Percent done, 0..100: bull-board draws a job's `progress.progress` as a percentage. (The
   * database and GraphQL keep a 0..1 fraction; the API's event bridge converts.)
   */
  progress: number;
  losses: Record<string, number>;
  accuracies: Record<string, number>;
  elapsedMs: number;
  etaMs: number;
}
