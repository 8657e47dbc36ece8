import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Every setting of the edge client, from three sources merged once: a JSON config file
 * (--config or EDGE_CONFIG), then environment variables (EDGE_*), then command-line flags (the
 * later wins). Validated once with zod; all problems are reported together, each naming the flag,
 * the variable and the file key so a person can fix whichever they used.
 */
const boolean = z.union([
  z.boolean(),
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((v) => ['true', '1', 'yes'].includes(v)),
]);
const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: 'expected a whole number' })
    .int('expected a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7070');

const fields = {
  stateDir: z.string().min(1).default('.edge-client'),
  json: boolean.default(false),
  // register
  platformUrl: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL of the platform' })
    .optional(),
  enrollmentToken: z.string().min(1).optional(),
  name: z.string().min(1).max(100).optional(),
  model: z.string().min(1).optional(),
  alias: z.string().min(1).optional(),
  version: int(1).optional(),
  deviceIndex: int(0, 1023).optional(),
  gateway: boolean.default(false),
  // run: input
  dataset: z.string().min(1).optional(),
  datasetSeed: int(0, 2 ** 31 - 1).default(1),
  trainSize: int(1).optional(),
  testSize: int(1).optional(),
  split: z.enum(['test', 'train', 'all']).default('test'),
  testFraction: z.coerce.number().gt(0).lt(1).default(0.2),
  splitSeed: int(0, 2 ** 31 - 1).default(1),
  limit: int(1).optional(),
  sampleIntervalMs: int(0).default(0),
  // run: topology
  gatewayAddress: hostPort.optional(),
  listen: hostPort.default('127.0.0.1:7070'),
  expectDevices: int(1, 1024).optional(),
  waitDevicesMs: int(0).default(30_000),
  deviceTimeoutMs: int(1).default(2_000),
  maxConnections: int(1, 65_535).default(64),
  helloTimeoutMs: int(1).default(5_000),
  results: z.string().min(1).optional(),
  // run: platform
  pollIntervalMs: int(100).default(30_000),
  retryBaseMs: int(1).default(500),
  retryMaxMs: int(1).default(30_000),
  cloudTimeoutMs: int(1).default(10_000),
  cloudConcurrency: int(1, 64).default(4),
};

export type FieldName = keyof typeof fields;

/** Environment variable of a field: stateDir -> EDGE_STATE_DIR. */
export function envName(field: string): string {
  return `EDGE_${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** Flag of a field: stateDir -> --state-dir. */
export function flagName(field: string): string {
  return `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export class ConfigError extends Error {}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`the config file ${path} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`the config file ${path} must hold a JSON object of settings`);
  }
  const unknown = Object.keys(parsed).filter((k) => !(k in fields));
  if (unknown.length) {
    throw new ConfigError(
      `the config file ${path} has unknown settings: ${unknown.join(', ')} (known: ${Object.keys(fields).join(', ')})`,
    );
  }
  return parsed as Record<string, unknown>;
}

type Picked<K extends FieldName> = {
  [P in K]: z.output<(typeof fields)[P]>;
};

/**
 * Merges file < env < flags for the fields a command uses and validates them. `required` lists
 * fields without a default that must be given.
 */
export function loadClientConfig<K extends FieldName>(
  keys: readonly K[],
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): Picked<K> {
  const configPath = (flags.config as string | undefined) ?? env.EDGE_CONFIG;
  const file = configPath ? readConfigFile(configPath) : {};
  const raw: Record<string, unknown> = {};
  for (const key of keys) {
    const fromFlag = flags[key];
    const fromEnv = env[envName(key)];
    raw[key] = fromFlag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : file[key]);
  }
  const shape = Object.fromEntries(keys.map((k) => [k, fields[k]])) as Pick<typeof fields, K>;
  const result = z.object(shape).safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      const message =
        raw[key] === undefined && issue.code === 'invalid_type' ? 'is required' : issue.message;
      return `  ${flagName(key)} (${envName(key)}, "${key}" in the config file): ${message}`;
    });
    throw new ConfigError(`invalid edge-client configuration:\n${lines.join('\n')}`);
  }
  return result.data as Picked<K>;
}
