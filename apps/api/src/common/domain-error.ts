/** Every error a client can see, by code. error-mapping.ts maps each to HTTP and GraphQL. */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  Unauthorized = 'UNAUTHORIZED',
  /** Authenticated, but this caller may not have this resource (e.g. another device's partition). */
  Forbidden = 'FORBIDDEN',
  /** Unknown, expired or already used edge enrollment token. */
  EnrollmentTokenRefused = 'ENROLLMENT_TOKEN_REFUSED',
  NotFound = 'NOT_FOUND',
  DatasetNotFound = 'DATASET_NOT_FOUND',
  ModelNotFound = 'MODEL_NOT_FOUND',
  ModelVersionNotFound = 'MODEL_VERSION_NOT_FOUND',
  TrainingJobNotFound = 'TRAINING_JOB_NOT_FOUND',
  EdgeClientNotFound = 'EDGE_CLIENT_NOT_FOUND',
  PartitionNotFound = 'PARTITION_NOT_FOUND',
  /** The partition has no C export (e.g. a float device: the export is integer-only). */
  PartitionNotExportable = 'PARTITION_NOT_EXPORTABLE',
  AlreadyExists = 'ALREADY_EXISTS',
  DatasetRejected = 'DATASET_REJECTED',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  /** A body in a Content-Type or Content-Encoding the route does not read. */
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  InvalidModelConfig = 'INVALID_MODEL_CONFIG',
  IncompatibleDataset = 'INCOMPATIBLE_DATASET',
  JobNotCancellable = 'JOB_NOT_CANCELLABLE',
  /** Only a failed or cancelled training job can be started again. */
  JobNotRetryable = 'JOB_NOT_RETRYABLE',
  InvalidInferenceRequest = 'INVALID_INFERENCE_REQUEST',
  /** An Idempotency-Key already used by a request with other parameters. */
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  /** A GraphQL operation over a configured bound (depth, aliases, cost, tokens). */
  QueryLimitExceeded = 'QUERY_LIMIT_EXCEEDED',
  RateLimited = 'RATE_LIMITED',
  Unavailable = 'UNAVAILABLE',
  Internal = 'INTERNAL',
}

/** A failure the client caused or may act on; `message` is safe to show as it is. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
