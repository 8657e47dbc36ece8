/** GraphQL clients may send null for an omitted optional field; our zod inputs expect absence. */
export function withoutNulls<T extends object>(input: T | null | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(input ?? {}).filter(([, v]) => v !== null && v !== undefined),
  ) as Partial<T>;
}
