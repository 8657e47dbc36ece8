import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { abuseLimitsEnvShape, resolveGraphqlDevTools } from './abuse-limits-env';

/**
 * Every environment variable the platform reads, typed and documented in one place. Parsed once
 * at start-up by loadPlatformConfig(); nothing else reads process.env.
 */
const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/** Refinements run even after .url() failed, so parse defensively. */
function protocolOf(value: string): string {
  try {
    return new URL(value).protocol;
  } catch {
    return '';
  }
}

const port = z.coerce.number().int().min(0).max(65535);

const postgresUrl = z
  .string()
  .url()
  .refine((value) => /^postgres(ql)?:$/.test(protocolOf(value)), {
    message: 'must be a postgres:// or postgresql:// URL',
  });

const redisUrl = z
  .string()
  .url()
  .refine((value) => /^rediss?:$/.test(protocolOf(value)), {
    message: 'must be a redis:// or rediss:// URL',
  });

function ed25519PrivateKeyProblem(pem: string): string | undefined {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === 'ed25519'
      ? undefined
      : `must be an Ed25519 private key, got a ${key.asymmetricKeyType ?? 'different'} key`;
  } catch {
    return 'must be an Ed25519 private key in PEM (PKCS#8: "-----BEGIN PRIVATE KEY-----")';
  }
}

/** PEM from an environment variable: literal "\\n" (one-line .env files) become newlines. */
const ed25519PrivateKeyPem = z
  .string()
  .transform((value) => value.replace(/\\n/g, '\n'))
  .superRefine((pem, ctx) => {
    const problem = ed25519PrivateKeyProblem(pem);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Variables whose values are never echoed in configuration errors. */
const SECRET_VARIABLES = new Set(['ADMIN_TOKEN', 'EDGE_SIGNING_KEY']);

export const DEV_ADMIN_TOKEN = 'ddnn-dev-admin-token';

/** Shortest admin token production accepts (outside production: 16). */
export const PRODUCTION_ADMIN_TOKEN_MIN_LENGTH = 32;

/** Tokens printed in this repository (docs, defaults): anyone can read them, so production refuses them. */
const PUBLIC_ADMIN_TOKENS = new Set([DEV_ADMIN_TOKEN]);

const platformEnvShape = z.object({
  /** development | production | test. In production ADMIN_TOKEN has no default. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** PostgreSQL connection; the database is created on start-up if missing. */
  DATABASE_URL: postgresUrl.default('postgresql://postgres@127.0.0.1:5432/ddnn'),
  /** Redis for BullMQ (training queue, progress events). */
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  /** Prefix of every BullMQ key, so several installations (or test files) share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only')
    .default('ddnn'),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  /** Open Inference Protocol over gRPC (GRPCInferenceService), on API_HOST; 8001 as Triton. */
  GRPC_PORT: port.default(8001),
  /** Bearer token for management endpoints (uploads, training, aliases, GraphQL mutations). */
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Largest accepted dataset upload, bytes. */
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  /** Largest JSON request body (inference requests), bytes. */
  BODY_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024),
  /** Training jobs one worker process runs at once (each in its own sandboxed child process). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * Threads each training job runs its steps on (data-parallel, engine trainModel `threads`).
   * A job's weights are reproducible for a given seed and thread count; 1 keeps earlier
   * results. Cores used: WORKER_CONCURRENCY x TRAINING_THREADS.
   */
  TRAINING_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  /** Tries per training job before it is marked failed (a retry resumes from the checkpoint). */
  TRAINING_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /**
   * BullMQ lock of a running training job; renewed every half of it by the worker's main
   * thread while the sandboxed child trains. A dead worker's job is retried after about this.
   */
  TRAINING_LOCK_DURATION_MS: z.coerce.number().int().min(1000).default(30_000),
  /** How often workers look for jobs whose lock expired (stalled: their worker died). */
  TRAINING_STALLED_INTERVAL_MS: z.coerce.number().int().min(1000).default(30_000),
  /** tfjs backend for training and inference: tensorflow (if installed), wasm, or cpu. */
  ENGINE_BACKEND: z.enum(['tensorflow', 'wasm', 'cpu']).default('wasm'),
  /** Dynamic batching of /v2 infer requests. */
  INFERENCE_MAX_BATCH: z.coerce.number().int().min(1).max(4096).default(64),
  /**
   * How long the first waiting request may wait for others. 0 (default): until the end of the
   * current event-loop turn, so requests that arrived together run together and a lone request
   * waits for no timer (batching adds no latency at low load).
   */
  INFERENCE_MAX_DELAY_MS: z.coerce.number().min(0).max(1000).default(0),
  /**
   * Samples one /v2 infer request may carry (the N of its input); more is refused with 413
   * before any value is decoded. Requests above INFERENCE_MAX_BATCH run in batches of that size.
   */
  /**
   * API processes serving one port (Node cluster; 1 = this process alone). Use the machine's
   * cores: most of a /v2 request's CPU is HTTP and routing, which one process runs on one core.
   */
  API_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  INFERENCE_MAX_SAMPLES: z.coerce.number().int().min(1).max(1_000_000).default(1024),
  /**
   * How long /v2 keeps a resolved version reference (model + number or alias) without asking the
   * database. An alias move is announced to every API process at once (Redis pub/sub); a new
   * latest version, or a move while Redis is unreachable, is seen after at most this. 0 = no cache.
   */
  INFERENCE_RESOLVE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** Loaded model versions kept in memory by the inference service (LRU). */
  MODEL_CACHE_SIZE: z.coerce.number().int().min(1).max(256).default(4),
  /**
   * Who may call /v2 infer: "open" (anyone; a bearer credential, if sent, must be valid and is
   * scoped to its client's model) or "credential" (the admin token or an edge client credential).
   */
  INFERENCE_AUTH: z.enum(['open', 'credential']).default('open'),
  /** Requests per minute per client IP on uploads and inference; 0 disables the limit. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6000),
  /** Create the built-in datasets on start-up if they do not exist. */
  SEED_BUILTIN_DATASETS: booleanFlag.default(true),
  /**
   * Ed25519 private key (PKCS#8 PEM) that signs the partitions edge clients download. Unset: the
   * platform generates one on first use and keeps it in the database (table signing_keys), so
   * every API process signs with the same key.
   */
  EDGE_SIGNING_KEY: ed25519PrivateKeyPem.optional(),
  /** Lifetime of an edge enrollment token when the request names none, seconds (default 24 h). */
  EDGE_ENROLLMENT_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(24 * 3600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** Longest wait for a new PostgreSQL connection before the request answers 503. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  /** Longest wait for one database query (client side) before it fails and the request answers 503. */
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  /** Longest wait for Redis (enqueueing a job, a rate-limit count) before giving up. */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(3000),
  /** `Retry-After` of a 503 answered while PostgreSQL or Redis is unavailable, seconds. */
  UNAVAILABLE_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  /** First delay between two attempts of a failed training job; doubled after every attempt. */
  TRAINING_RETRY_BACKOFF_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /**
   * How often each worker looks for training jobs no worker will finish (their worker died or
   * could not record the end): they are resumed if attempts remain, else failed; 0 = never.
   */
  TRAINING_REAPER_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  ...abuseLimitsEnvShape,
});

export const platformEnvSchema = platformEnvShape
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && env.ADMIN_TOKEN === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_TOKEN'], message: 'is required in production' });
    }
    if (env.NODE_ENV === 'production' && env.ADMIN_TOKEN !== undefined) {
      if (PUBLIC_ADMIN_TOKENS.has(env.ADMIN_TOKEN)) {
        ctx.addIssue({
          code: 'custom',
          path: ['ADMIN_TOKEN'],
          message:
            'is the public development token, which anyone can read in this repository; ' +
            'set a random one in production, e.g. `openssl rand -hex 32`',
        });
      } else if (env.ADMIN_TOKEN.length < PRODUCTION_ADMIN_TOKEN_MIN_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          path: ['ADMIN_TOKEN'],
          message:
            `must be at least ${PRODUCTION_ADMIN_TOKEN_MIN_LENGTH} characters in production ` +
            '(e.g. `openssl rand -hex 32`)',
        });
      }
    }
  })
  .transform((env) => ({
    ...env,
    ADMIN_TOKEN: env.ADMIN_TOKEN ?? DEV_ADMIN_TOKEN,
    ...resolveGraphqlDevTools(env),
  }));

export type PlatformConfig = z.output<typeof platformEnvSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment; throws one ConfigError listing every bad variable by name. */
export function loadPlatformConfig(
  env: Record<string, string | undefined> = process.env,
): PlatformConfig {
  const known = Object.keys(platformEnvShape.shape);
  // Empty strings count as unset, as in most shells' `VAR= cmd`.
  const input = Object.fromEntries(
    known.filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]),
  );
  const result = platformEnvSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        const shown = SECRET_VARIABLES.has(name)
          ? '(secret, not shown)'
          : JSON.stringify(input[name] ?? '');
        return `${name}=${shown}: ${issue.message}`;
      }),
    );
  }
  return result.data;
}
