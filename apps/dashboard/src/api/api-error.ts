export interface FieldProblem {
  field: string;
  message: string;
}

/** An error the platform answered (or a network failure), with what a person needs to act. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number | null,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get unauthorized(): boolean {
    return this.code === 'UNAUTHORIZED' || this.status === 401;
  }
}

/** Listeners told when the platform refuses the stored token (the app then asks for a new one). */
const unauthorizedListeners = new Set<() => void>();

export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function reportIfUnauthorized(error: ApiError): ApiError {
  if (error.unauthorized) for (const listener of unauthorizedListeners) listener();
  return error;
}

function problemsOf(details: unknown): FieldProblem[] {
  const problems = (details as { problems?: unknown } | undefined)?.problems;
  if (!Array.isArray(problems)) return [];
  return problems.filter(
    (p): p is FieldProblem =>
      typeof p === 'object' && p !== null && typeof (p as FieldProblem).message === 'string',
  );
}

/** The REST error body `{ error: { code, message, details } }` as an ApiError. */
export function restError(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string; details?: unknown } })?.error;
  return new ApiError(
    error?.message ?? `the platform answered HTTP ${status}`,
    error?.code ?? (status === 401 ? 'UNAUTHORIZED' : 'HTTP_ERROR'),
    status,
    problemsOf(error?.details),
  );
}

export interface GraphqlErrorBody {
  message: string;
  extensions?: { code?: string; status?: number; details?: unknown };
}

export function graphqlError(errors: GraphqlErrorBody[], httpStatus: number): ApiError {
  const first = errors[0];
  return new ApiError(
    errors.map((e) => e.message).join('; '),
    first.extensions?.code ?? 'GRAPHQL_ERROR',
    first.extensions?.status ?? httpStatus,
    problemsOf(first.extensions?.details),
  );
}

export function networkError(cause: unknown): ApiError {
  return new ApiError(
    `cannot reach the platform (${cause instanceof Error ? cause.message : String(cause)}); is it running?`,
    'NETWORK',
    null,
  );
}
