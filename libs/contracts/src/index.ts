export * from './config/platform-config';
export * from './queues/queue-name';
export * from './queues/job-payloads';
export * from './queues/job-options';
export * from './queues/redis-connection';
export * from './training/training-parameter-bounds';
export * from './training/training-parameters';
export * from './wire';
