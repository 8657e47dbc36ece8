import { z } from 'zod';

/**
 * Bounds on the work one request or one connection may cause (GraphQL, uploads, the edge
 * gateway's device link), validated with the rest of the platform's configuration.
 */
const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

/** true/false/1/0, kept undefined when unset so that NODE_ENV can choose the default. */
const optionalFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1')
  .optional();

export const abuseLimitsEnvShape = {
  /** Deepest selection set a GraphQL operation may have (fields inside fields). */
  GRAPHQL_MAX_DEPTH: positiveInt(1000).default(10),
  /** Aliases per GraphQL operation (each alias can repeat a whole field's work). */
  GRAPHQL_MAX_ALIASES: positiveInt(100_000).default(30),
  /** Cost per GraphQL operation: 2 per object field, 1 per scalar, x1.5 per nesting level. */
  GRAPHQL_MAX_COST: positiveInt(10_000_000).default(5000),
  /** Tokens in one GraphQL document: parsing stops there, before any other check. */
  GRAPHQL_MAX_TOKENS: positiveInt(10_000_000).default(5000),
  /** Live GraphQL subscriptions on one WebSocket connection. */
  GRAPHQL_SUBSCRIPTIONS_PER_CONNECTION: positiveInt(100_000).default(10),
  /** Live GraphQL subscriptions in one API process, all connections together. */
  GRAPHQL_SUBSCRIPTIONS_MAX: positiveInt(10_000_000).default(1000),
  /** A GraphQL WebSocket that sends no connection_init within this many ms is closed (4408). */
  GRAPHQL_WS_INIT_TIMEOUT_MS: positiveInt(600_000).default(3000),
  /** Serve GraphiQL at /graphiql. Unset: on, except with NODE_ENV=production. */
  GRAPHQL_GRAPHIQL: optionalFlag,
  /** Answer introspection (__schema, __type). Unset: on, except with NODE_ENV=production. */
  GRAPHQL_INTROSPECTION: optionalFlag,
  /** Deepest nesting of arrays/objects in a JSON request body (checked before parsing). */
  BODY_MAX_JSON_DEPTH: positiveInt(10_000).default(64),
  /** Decoded pixels (samples x views x height x width x channels) one dataset upload may hold. */
  UPLOAD_MAX_PIXELS: positiveInt(Number.MAX_SAFE_INTEGER).default(64 * 1024 * 1024),
  /** Samples one dataset upload may hold. */
  UPLOAD_MAX_SAMPLES: positiveInt(100_000_000).default(200_000),
};

/** NODE_ENV-dependent defaults of the flags above: development tools are off in production. */
export function resolveGraphqlDevTools(env: {
  NODE_ENV: string;
  GRAPHQL_GRAPHIQL?: boolean;
  GRAPHQL_INTROSPECTION?: boolean;
}): { GRAPHQL_GRAPHIQL: boolean; GRAPHQL_INTROSPECTION: boolean } {
  const development = env.NODE_ENV !== 'production';
  return {
    GRAPHQL_GRAPHIQL: env.GRAPHQL_GRAPHIQL ?? development,
    GRAPHQL_INTROSPECTION: env.GRAPHQL_INTROSPECTION ?? development,
  };
}
