import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';

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
  INFERENCE_MAX_DELAY_MS: z.coerce.number().min(0).max(1000).default(5),
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
});

export const platformEnvSchema = platformEnvShape
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && env.ADMIN_TOKEN === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_TOKEN'], message: 'is required in production' });
    }
  })
  .transform((env) => ({ ...env, ADMIN_TOKEN: env.ADMIN_TOKEN ?? DEV_ADMIN_TOKEN }));

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
