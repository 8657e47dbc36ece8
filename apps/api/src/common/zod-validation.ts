import { z } from 'zod';
import { DomainError, ErrorCode } from './domain-error';

/** Parses input with a zod schema; a failure becomes one 400 listing every problem by field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  throw new DomainError(
    ErrorCode.ValidationFailed,
    `invalid ${what}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
    { problems },
  );
}
