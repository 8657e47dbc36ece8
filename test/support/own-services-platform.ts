import { randomBytes } from 'node:crypto';
import { LocalPostgres, freePort } from '../../scripts/support/local-postgres';
import { LocalRedis } from '../../scripts/support/local-redis';
import { PlatformProcess } from '../../scripts/support/platform-process';
import { ensureBuilt } from './ensure-built';
import {
  jsonRequest,
  parseJsonOrUndefined,
  type JsonRequestInit,
} from '../../scripts/support/json-fetch';
import { ADMIN_TOKEN } from './test-platform';

/** Response bodies are checked by the tests' expectations; typed loosely on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface HttpAnswer {
  status: number;
  json: Json;
  headers: Headers;
  ms: number;
}

/**
 * A platform on a PostgreSQL and a Redis of its own (spare ports, temp dirs), with API and
 * worker processes run from dist/: fault tests stop and restart the services and kill the
 * processes, never touching the shared servers.
 */
export class OwnServicesPlatform {
  readonly processes: PlatformProcess[] = [];
  readonly env: Record<string, string>;

  private constructor(
    readonly pg: LocalPostgres,
    readonly redis: LocalRedis,
    env: Record<string, string>,
  ) {
    this.env = {
      NODE_ENV: 'test',
      DATABASE_URL: pg.url('ddnn'),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `ddnn-own-${randomBytes(3).toString('hex')}`,
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      SEED_BUILTIN_DATASETS: 'false',
      ENGINE_BACKEND: 'wasm',
      TRAINING_LOCK_DURATION_MS: '4000',
      TRAINING_STALLED_INTERVAL_MS: '2000',
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      // Generous: seeding stores megabytes, and the machine may be loaded; outages here are
      // refused connections, answered at once.
      DATABASE_QUERY_TIMEOUT_MS: '30000',
      REDIS_COMMAND_TIMEOUT_MS: '1000',
      ...env,
    };
  }

  static async create(env: Record<string, string> = {}): Promise<OwnServicesPlatform> {
    ensureBuilt();
    const [pg, redis] = await Promise.all([LocalPostgres.create(), LocalRedis.create()]);
    return new OwnServicesPlatform(pg, redis, env);
  }

  /** Starts an API process on a free port; returns it with its base URL. */
  async startApi(env: Record<string, string> = {}): Promise<{ api: PlatformProcess; url: string }> {
    const port = await freePort();
    const api = await PlatformProcess.start('api', {
      ...this.env,
      API_PORT: String(port),
      GRPC_PORT: '0', // any free port: several APIs (and other tests) run at once
      ...env,
    });
    this.processes.push(api);
    return { api, url: `http://127.0.0.1:${port}` };
  }

  async startWorker(env: Record<string, string> = {}): Promise<PlatformProcess> {
    const worker = await PlatformProcess.start('worker', { ...this.env, ...env });
    this.processes.push(worker);
    return worker;
  }

  async destroy(): Promise<void> {
    for (const p of this.processes) await p.kill('SIGKILL');
    await this.redis.stop();
    await this.pg.destroy();
  }
}

/** fetch with a timeout; `admin` adds the admin token, `json` a JSON body. */
export async function httpCall(
  url: string,
  init: JsonRequestInit & { timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  const { timeoutMs = 30_000, ...request } = init;
  const started = Date.now();
  const response = await fetch(url, {
    ...jsonRequest(request, ADMIN_TOKEN),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = parseJsonOrUndefined(await response.text());
  return {
    status: response.status,
    json: json as Json,
    headers: response.headers,
    ms: Date.now() - started,
  };
}
