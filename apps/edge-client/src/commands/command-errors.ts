import { ConfigError } from '../config/client-config';
import { PartitionRefusedError, PlatformError } from '../platform/platform-errors';
import { StateError } from '../state/client-state';

/** Exit codes a supervisor can act on. */
export enum ExitCode {
  Failure = 1,
  BadConfig = 2,
  CredentialRefused = 3,
  PartitionRefused = 4,
}

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof ConfigError || error instanceof StateError) return ExitCode.BadConfig;
  if (error instanceof PlatformError && error.isAuthFailure) return ExitCode.CredentialRefused;
  if (error instanceof PartitionRefusedError) return ExitCode.PartitionRefused;
  return ExitCode.Failure;
}
