import { HttpException } from '@nestjs/common';
import { BinaryTensorDataError } from '@ddnn/contracts';
import { DatasetImportError } from '@ddnn/datasets';
import { DdnnConfigError } from '@ddnn/engine';
import { isDatabaseUnavailable, Prisma } from '@ddnn/persistence';
import { DomainError, ErrorCode } from './domain-error';

/** The one place where an error code becomes an HTTP status. Exhaustive: a new code must be mapped. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
    case ErrorCode.DatasetRejected:
    case ErrorCode.InvalidModelConfig:
    case ErrorCode.IncompatibleDataset:
    case ErrorCode.InvalidInferenceRequest:
    case ErrorCode.QueryLimitExceeded:
      return 400;
    case ErrorCode.Unauthorized:
    case ErrorCode.EnrollmentTokenRefused:
      return 401;
    case ErrorCode.Forbidden:
      return 403;
    case ErrorCode.NotFound:
    case ErrorCode.DatasetNotFound:
    case ErrorCode.ModelNotFound:
    case ErrorCode.ModelVersionNotFound:
    case ErrorCode.TrainingJobNotFound:
    case ErrorCode.EdgeClientNotFound:
    case ErrorCode.PartitionNotFound:
      return 404;
    case ErrorCode.AlreadyExists:
    case ErrorCode.JobNotCancellable:
    case ErrorCode.JobNotRetryable:
      return 409;
    case ErrorCode.PayloadTooLarge:
      return 413;
    case ErrorCode.UnsupportedMediaType:
      return 415;
    case ErrorCode.PartitionNotExportable:
    case ErrorCode.IdempotencyKeyReused:
      return 422;
    case ErrorCode.RateLimited:
      return 429;
    case ErrorCode.Unavailable:
      return 503;
    case ErrorCode.Internal:
      return 500;
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped error code ${String(unmapped)}`);
    }
  }
}

/**
 * gRPC status codes (grpc/status.h) of the same errors, for the Open Inference Protocol's gRPC
 * endpoint: derived from the HTTP status so the two transports never disagree.
 */
export const GrpcStatus = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export function grpcStatusOf(code: ErrorCode): number {
  switch (httpStatusOf(code)) {
    case 400:
    case 415:
      return GrpcStatus.INVALID_ARGUMENT;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.NOT_FOUND;
    case 409:
      return code === ErrorCode.AlreadyExists
        ? GrpcStatus.ALREADY_EXISTS
        : GrpcStatus.FAILED_PRECONDITION;
    case 413:
    case 429:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 503:
      return GrpcStatus.UNAVAILABLE;
    default:
      return GrpcStatus.INTERNAL;
  }
}

function httpCodeOf(status: number): ErrorCode {
  if (status === 401) return ErrorCode.Unauthorized;
  if (status === 403) return ErrorCode.Forbidden;
  if (status === 404) return ErrorCode.NotFound;
  if (status === 413) return ErrorCode.PayloadTooLarge;
  if (status === 415) return ErrorCode.UnsupportedMediaType;
  if (status === 429) return ErrorCode.RateLimited;
  if (status >= 400 && status < 500) return ErrorCode.ValidationFailed;
  return ErrorCode.Internal;
}

/**
 * The SQLSTATE of a database error: on a Prisma known-request error it sits in the driver
 * adapter's cause; some errors (text with a NUL character, on Prisma 7.5) arrive as the adapter's
 * own DriverAdapterError, whose cause carries it directly.
 */
function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const cause =
    error instanceof Prisma.PrismaClientKnownRequestError
      ? (error.meta as { driverAdapterError?: { cause?: { originalCode?: unknown } } } | undefined)
          ?.driverAdapterError?.cause
      : (error as { name?: unknown }).name === 'DriverAdapterError'
        ? (error as { cause?: { originalCode?: unknown } }).cause
        : undefined;
  return typeof cause?.originalCode === 'string' ? cause.originalCode : undefined;
}

/**
 * PostgreSQL "data exceptions" (SQLSTATE class 22) are values the database cannot take: a number
 * past int4, an id that is not a UUID, text with a NUL character. Inputs are validated before
 * they reach the database; this is the net under every route and GraphQL argument, so such a
 * value is a 400 saying what is wrong, never a 500.
 */
function databaseDataError(error: unknown): DomainError | undefined {
  const sqlState = sqlStateOf(error);
  if (!sqlState?.startsWith('22')) return undefined;
  const reason =
    sqlState === '22003'
      ? 'a number in the request is out of range (ids and version numbers are at most 2147483647)'
      : sqlState === '22P02'
        ? 'a value in the request has the wrong form (an id must be a UUID)'
        : sqlState === '22021' || sqlState === '22P05'
          ? 'text in the request contains a NUL character (\\u0000), which cannot be stored'
          : 'a value in the request cannot be stored or compared';
  return new DomainError(ErrorCode.ValidationFailed, reason, { sqlState });
}

/**
 * Turns anything thrown into a DomainError a client may see. Library errors that describe bad
 * input keep their message; database and driver errors never reach the client as they are.
 */
export function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof DatasetImportError) {
    const code =
      error.code === 'FILE_TOO_LARGE' ? ErrorCode.PayloadTooLarge : ErrorCode.DatasetRejected;
    return new DomainError(code, error.message, { reason: error.code });
  }
  if (isDatabaseUnavailable(error)) {
    return new DomainError(
      ErrorCode.Unavailable,
      'the database is unavailable or not answering; try again later',
      { dependency: 'postgresql' },
    );
  }
  if (isRedisUnavailable(error)) {
    return new DomainError(
      ErrorCode.Unavailable,
      'Redis is unavailable or not answering; try again later',
      { dependency: 'redis' },
    );
  }
  if (error instanceof BinaryTensorDataError) {
    return new DomainError(ErrorCode.InvalidInferenceRequest, error.message);
  }
  if (error instanceof DdnnConfigError) {
    return new DomainError(ErrorCode.InvalidModelConfig, error.message, { field: error.field });
  }
  const dataError = databaseDataError(error);
  if (dataError) return dataError;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === 'P2002') {
      return new DomainError(ErrorCode.AlreadyExists, 'a record with the same unique key exists', {
        target: (error.meta as { target?: unknown } | undefined)?.target,
      });
    }
    if (error.code === 'P2025') return new DomainError(ErrorCode.NotFound, 'record not found');
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return new DomainError(httpCodeOf(status), status >= 500 ? 'internal error' : error.message);
  }
  const status =
    typeof error === 'object' && error !== null
      ? (error as { statusCode?: unknown }).statusCode
      : undefined;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own errors (bad JSON body, body too large, multipart limits) are client errors.
    return new DomainError(httpCodeOf(status), (error as Error).message);
  }
  return new DomainError(ErrorCode.Internal, 'internal error');
}

/** ioredis' errors for a Redis that is down or silent (its commands fail fast in producers). */
function isRedisUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return (
    name === 'MaxRetriesPerRequestError' ||
    (typeof message === 'string' &&
      /Stream isn't writeable and enableOfflineQueue options is false|Command timed out|Connection is closed/.test(
        message,
      ))
  );
}
