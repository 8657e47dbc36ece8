/** Every BullMQ queue of the platform. */
export enum QueueName {
  Training = 'training',
}

/** Every job name; each belongs to exactly one queue (JOB_QUEUE) and has one payload type. */
export enum JobName {
  TrainModel = 'train-model',
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.TrainModel]: QueueName.Training,
};
