import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadPlatformConfig, type PlatformConfig } from '@ddnn/contracts';
import {
  createPrismaClient,
  createTestDatabase,
  type PrismaClient,
  type TestDatabase,
} from '@ddnn/persistence';
import { createApiApp } from '../../apps/api/src/api-app.factory';
import {
  jsonRequest,
  parseJsonOrUndefined,
  type JsonRequestInit,
} from '../../scripts/support/json-fetch';
import { ensureBuilt } from './ensure-built';
import { deleteRedisPrefix } from './redis-cleanup';

/** Response bodies are checked by the tests' expectations; typed loosely on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789-abcdef-012345';
const ROOT = join(__dirname, '..', '..');

export interface WorkerProcess {
  process: ChildProcess;
  output: () => string;
  /** Kills the worker and its sandboxed children (the whole process group), like a dead machine. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * One isolated platform per test file: its own database (cloned from the migrated template),
 * its own BullMQ prefix in the shared Redis, the API in-process on a free port, and workers as
 * real processes running the compiled worker.
 */
export class TestPlatform {
  app!: NestFastifyApplication;
  baseUrl!: string;
  config!: PlatformConfig;
  prisma!: PrismaClient;
  private db!: TestDatabase;
  private readonly workers: WorkerProcess[] = [];

  static async start(env: Record<string, string> = {}): Promise<TestPlatform> {
    const platform = new TestPlatform();
    platform.db = await createTestDatabase();
    platform.config = loadPlatformConfig({
      NODE_ENV: 'test',
      DATABASE_URL: platform.db.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `ddnn-test-${randomBytes(4).toString('hex')}`,
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      SEED_BUILTIN_DATASETS: 'false',
      TRAINING_LOCK_DURATION_MS: '4000',
      TRAINING_STALLED_INTERVAL_MS: '2000',
      ENGINE_BACKEND: 'wasm',
      ...env,
    });
    platform.prisma = createPrismaClient(platform.db.url, { poolSize: 2 });
    platform.app = await createApiApp(platform.config);
    await platform.app.listen({ host: '127.0.0.1', port: 0 });
    platform.baseUrl = (await platform.app.getUrl()).replace('[::1]', '127.0.0.1');
    return platform;
  }

  async startWorker(extraEnv: Record<string, string> = {}): Promise<WorkerProcess> {
    ensureBuilt();
    const env = {
      ...process.env,
      ...Object.fromEntries(Object.entries(this.config).map(([k, v]) => [k, String(v)])),
      ...extraEnv,
    };
    const child = spawn(process.execPath, [join(ROOT, 'dist/apps/worker/src/main.js')], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 60_000);
      const onData = () => {
        if (output.includes('worker ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`worker exited with ${code}:\n${output}`));
      });
    });
    const handle: WorkerProcess = {
      process: child,
      output: () => output,
      kill: async (signal = 'SIGKILL') => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        try {
          process.kill(-child.pid!, signal);
        } catch {
          return;
        }
        await exited;
      },
    };
    child.removeAllListeners('exit');
    this.workers.push(handle);
    return handle;
  }

  /** fetch against the API; `admin` adds the admin token. */
  async http(path: string, init: JsonRequestInit = {}) {
    const response = await fetch(`${this.baseUrl}${path}`, jsonRequest(init, ADMIN_TOKEN));
    const text = await response.text();
    const json = parseJsonOrUndefined(text);
    return { status: response.status, json: json as Json, text, headers: response.headers };
  }

  async graphql(query: string, variables: Record<string, unknown> = {}, admin = false) {
    const res = await this.http('/graphql', { method: 'POST', json: { query, variables }, admin });
    return res.json as {
      data?: Json;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
  }

  async stop(): Promise<void> {
    for (const worker of this.workers) await worker.kill('SIGKILL');
    await this.app?.close();
    await deleteRedisPrefix(this.config.REDIS_URL, this.config.QUEUE_PREFIX);
    await this.prisma?.$disconnect();
    await this.db?.drop();
  }
}

/** Polls until check() returns a value (not undefined) or the timeout passes. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
