/** The platform answered with an error (its JSON body's code and message, when it sent one). */
export class PlatformError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** 401/403: the credential is wrong, revoked or not allowed this; retrying will not help. */
  get isAuthFailure(): boolean {
    return this.status === 401 || this.status === 403;
  }

  /** 5xx and 429 may pass; other 4xx are the request's fault and will not. */
  get isRetryable(): boolean {
    return this.status >= 500 || this.status === 429;
  }
}

/** The platform could not be reached at all (connection refused, DNS, timeout). */
export class PlatformUnreachableError extends Error {}

/** A downloaded partition failed verification (signature or sha256) and was not installed. */
export class PartitionRefusedError extends Error {}

/** One sentence a person can act on, for any error the client meets. */
export function describeError(error: unknown): string {
  if (error instanceof PlatformError && error.isAuthFailure) {
    const action =
      error.status === 401
        ? 'register again with a new enrollment token ("edge-client register")'
        : 'check the model and device index this client was registered for';
    return `the platform refused this client (${error.status} ${error.code}): ${error.message}; ${action}`;
  }
  if (error instanceof PlatformError) {
    return `the platform answered ${error.status} ${error.code}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
