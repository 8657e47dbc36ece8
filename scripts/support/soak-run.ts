import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createBuiltinDataset, encodeDataset } from '@ddnn/datasets';
import { freePort, LocalPostgres } from './local-postgres';
import { LocalRedis } from './local-redis';
import { PlatformProcess } from './platform-process';
import { jsonRequest, parseJsonOrUndefined, type JsonRequestInit } from './json-fetch';

export interface SoakOptions {
  /** How long load and faults run (the final settling comes on top, at most settleMs). */
  durationMs: number;
  /** Concurrent client loops sending inference, GraphQL reads and uploads. */
  clients?: number;
  /** Pause between two faults (kill the worker, stop Redis, stop PostgreSQL, in turn). */
  faultEveryMs?: number;
  /** How long Redis or PostgreSQL stays down in a fault. */
  outageMs?: number;
  /** A training job is started this often. */
  trainEveryMs?: number;
  /** Longest wait, after the load, for every training job to finish. */
  settleMs?: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  durationMs: number;
  requests: number;
  /** Answers by operation and status ("timeout"/"network" when there was none). */
  byOperation: Record<string, Record<string, number>>;
  /** Answers that break the promise: 5xx other than 503, timeouts, network errors. */
  unexpected: number;
  faults: string[];
  jobs: {
    started: number;
    completed: number;
    failed: number;
    cancelled: number;
    unfinished: number;
    /** Completed jobs with exactly one version; versions whose job is not COMPLETED. */
    completedWithOneVersion: number;
    strayVersions: number;
    /** Idempotency keys sent twice: jobs found per key (1 each = no duplicates). */
    duplicateJobsForKeys: number;
  };
  apiRssBytes: { before: number; after: number };
  apiAlive: boolean;
}

const ADMIN_TOKEN = `soak-admin-${randomUUID()}`;
const REQUEST_TIMEOUT_MS = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The soak run (must-hold 6 of issue 10): a platform on its own PostgreSQL and Redis (spare
 * ports, loopback), loaded with inference in both modes, GraphQL reads, uploads and training
 * jobs, while the worker is killed and restarted and Redis and PostgreSQL are stopped and
 * started again, in turn. Returns what was served and how each training job ended.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const clients = options.clients ?? 4;
  const faultEveryMs = options.faultEveryMs ?? 15_000;
  const outageMs = options.outageMs ?? 3000;
  const trainEveryMs = options.trainEveryMs ?? 5000;
  const settleMs = options.settleMs ?? 180_000;
  const [pg, redis] = await Promise.all([LocalPostgres.create(), LocalRedis.create()]);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: pg.url('ddnn'),
    REDIS_URL: redis.url,
    QUEUE_PREFIX: 'soak',
    ADMIN_TOKEN,
    API_PORT: String(port),
    GRPC_PORT: '0', // any free port: several APIs (and other tests) run at once
    LOG_LEVEL: 'error',
    SEED_BUILTIN_DATASETS: 'false',
    ENGINE_BACKEND: 'wasm',
    RATE_LIMIT_PER_MINUTE: '0',
    TRAINING_ATTEMPTS: '5',
    TRAINING_RETRY_BACKOFF_MS: '1000',
    TRAINING_LOCK_DURATION_MS: '4000',
    TRAINING_STALLED_INTERVAL_MS: '2000',
    TRAINING_REAPER_INTERVAL_MS: '2000',
    DATABASE_CONNECT_TIMEOUT_MS: '2000',
    DATABASE_QUERY_TIMEOUT_MS: '30000',
    REDIS_COMMAND_TIMEOUT_MS: '1000',
  };
  const processes: PlatformProcess[] = [];
  const byOperation: Record<string, Record<string, number>> = {};
  const faults: string[] = [];
  const jobIds = new Set<string>();
  const keys: string[] = [];
  let requests = 0;
  let unexpected = 0;
  const started = Date.now();
  const stamp = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;

  async function call(
    op: string,
    path: string,
    init: JsonRequestInit = {},
  ): Promise<{ status: number; json: unknown }> {
    let outcome: string;
    let result: { status: number; json: unknown } = { status: 0, json: undefined };
    try {
      const response = await fetch(`${url}${path}`, {
        ...jsonRequest(init, ADMIN_TOKEN),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const json = parseJsonOrUndefined(await response.text());
      result = { status: response.status, json };
      const gqlCode = (json as { errors?: { extensions?: { code?: string } }[] } | undefined)
        ?.errors?.[0]?.extensions?.code;
      outcome = gqlCode ? `200 ${gqlCode}` : String(response.status);
      if (response.status >= 500 && response.status !== 503) unexpected++;
      if (gqlCode === 'INTERNAL') unexpected++;
    } catch (error) {
      outcome = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network';
      unexpected++;
    }
    requests++;
    const counts = (byOperation[op] ??= {});
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    return result;
  }

  try {
    // --- set-up: the platform, a small dataset, a model and its first version ---
    const [api, worker] = await Promise.all([
      PlatformProcess.start('api', env),
      PlatformProcess.start('worker', env),
    ]);
    processes.push(api, worker);
    let currentWorker = worker;
    await call('setup', '/datasets/builtin', {
      method: 'POST',
      admin: true,
      json: { builtin: 'synthetic-mvmc', name: 'tiny', trainSize: 24, testSize: 12 },
    });
    await call('setup', '/models', { method: 'POST', admin: true, json: { name: 'mvmc' } });
    const first = await call('setup', '/training-jobs', {
      method: 'POST',
      admin: true,
      json: { modelName: 'mvmc', dataset: 'tiny', epochs: 1, batchSize: 12 },
    });
    const firstId = (first.json as { id: string }).id;
    jobIds.add(firstId);
    for (let i = 0; ; i++) {
      const job = (await call('setup', `/training-jobs/${firstId}`)).json as {
        status?: string;
        error?: string;
      };
      if (job.status === 'COMPLETED') break;
      if (i > 600 || job.status === 'FAILED') {
        throw new Error(
          `the first training job did not complete: ${JSON.stringify(job)}\n` +
            `worker: ${worker.output().slice(-3000)}\napi: ${api.output().slice(-3000)}`,
        );
      }
      await sleep(500);
    }
    const meta = await call('setup', '/v2/models/mvmc/versions/1');
    const featureInput = (
      meta.json as { inputs?: { name: string; shape: number[] }[] }
    ).inputs?.find((input) => input.name === 'device_features');
    const bytesPerDevice = featureInput?.shape.at(-1) ?? 128;
    const views = new Array(2 * 6 * 32 * 32 * 3).fill(0).map(() => Math.random());
    const features = new Array(2 * 6 * bytesPerDevice)
      .fill(0)
      .map(() => Math.floor(Math.random() * 256));
    const uploadBytes = encodeDataset(
      createBuiltinDataset('synthetic-mvmc', { seed: 9, trainSize: 12, testSize: 1 }).train,
    );
    const rssBefore = api.rssBytes();
    log(`${stamp()} set up; API RSS ${(rssBefore / 2 ** 20).toFixed(0)} MiB`);

    // --- load and faults ---
    const endAt = Date.now() + options.durationMs;
    let uploads = 0;
    const clientLoop = async (client: number) => {
      for (let i = 0; Date.now() < endAt; i++) {
        const pick = (i + client) % 10;
        if (pick < 4) {
          await call('infer views (mode b)', '/v2/models/mvmc/versions/1/infer', {
            method: 'POST',
            json: {
              inputs: [{ name: 'views', datatype: 'FP32', shape: [2, 6, 32, 32, 3], data: views }],
            },
          });
        } else if (pick < 7) {
          await call('infer device features (mode a)', '/v2/models/mvmc/infer', {
            method: 'POST',
            json: {
              inputs: [
                {
                  name: 'device_features',
                  datatype: 'UINT8',
                  shape: [2, 6, bytesPerDevice],
                  data: features,
                },
              ],
            },
          });
        } else if (pick < 9) {
          await call('graphql read', '/graphql', {
            method: 'POST',
            json: {
              query:
                '{ models { name lastVersion } trainingJobs(first: 5) { id status progress } datasets { name } }',
            },
          });
        } else if (client === 0 && uploads < 40) {
          uploads++;
          const form = new FormData();
          form.set('name', `upload-${uploads}-${randomUUID().slice(0, 8)}`);
          form.set('file', new Blob([new Uint8Array(uploadBytes)]), 'views.ddnnds');
          await call('upload', '/datasets', { method: 'POST', admin: true, body: form });
        } else {
          await call('health', '/health');
        }
      }
    };
    const trainLoop = async () => {
      for (let n = 0; Date.now() < endAt; n++) {
        const key = `soak-${n}-${randomUUID()}`;
        const request = {
          method: 'POST',
          admin: true,
          headers: { 'idempotency-key': key },
          json: { modelName: 'mvmc', dataset: 'tiny', epochs: 2, batchSize: 12, seed: n + 1 },
        };
        // A client that retries until it gets an answer, sending the same key every time.
        for (let attempt = 0; attempt < 20 && Date.now() < endAt + 30_000; attempt++) {
          const res = await call('start training job', '/training-jobs', request);
          if (res.status === 201) {
            jobIds.add((res.json as { id: string }).id);
            keys.push(key);
            // Retried once more after success, as a client that lost the answer would.
            const again = await call('start training job (retry)', '/training-jobs', request);
            if (again.status === 201) jobIds.add((again.json as { id: string }).id);
            break;
          }
          await sleep(1000);
        }
        await sleep(trainEveryMs);
      }
    };
    const faultLoop = async () => {
      for (let n = 0; Date.now() + faultEveryMs < endAt; n++) {
        await sleep(faultEveryMs);
        const kind = n % 3;
        if (kind === 0) {
          faults.push(`${stamp()} worker killed (SIGKILL) and restarted`);
          await currentWorker.kill('SIGKILL');
          currentWorker = await PlatformProcess.start('worker', env);
          processes.push(currentWorker);
        } else if (kind === 1) {
          faults.push(`${stamp()} Redis killed for ${outageMs} ms (its data lost), restarted`);
          await redis.stop();
          await sleep(outageMs);
          await redis.start();
        } else {
          faults.push(`${stamp()} PostgreSQL stopped for ${outageMs} ms, restarted`);
          await pg.stop('fast');
          await sleep(outageMs);
          await pg.start();
        }
        log(faults.at(-1)!);
      }
    };
    await Promise.all([
      ...Array.from({ length: clients }, (_, c) => clientLoop(c)),
      trainLoop(),
      faultLoop(),
    ]);
    log(`${stamp()} load over: ${requests} requests; waiting for ${jobIds.size} jobs to finish`);

    // --- settle: every job must end, each completed one with exactly one version ---
    const db = new Client({ connectionString: pg.url('ddnn') });
    await db.connect();
    try {
      const ids = [...jobIds];
      const settleUntil = Date.now() + settleMs;
      let rows: { id: string; status: string }[] = [];
      for (;;) {
        rows = (
          await db.query(
            'SELECT id::text, status::text FROM training_jobs WHERE id = ANY($1::uuid[])',
            [ids],
          )
        ).rows;
        const open = rows.filter((r) => r.status === 'QUEUED' || r.status === 'RUNNING');
        if (open.length === 0 || Date.now() > settleUntil) break;
        await sleep(1000);
      }
      const count = (status: string) => rows.filter((r) => r.status === status).length;
      const versions = (
        await db.query(
          'SELECT j.id::text, j.status::text, count(v.id)::int AS versions FROM training_jobs j LEFT JOIN model_versions v ON v."trainingJobId" = j.id GROUP BY j.id',
        )
      ).rows as { id: string; status: string; versions: number }[];
      const perKey = (
        await db.query(
          'SELECT "idempotencyKey", count(*)::int AS n FROM training_jobs WHERE "idempotencyKey" = ANY($1) GROUP BY 1',
          [keys],
        )
      ).rows as { n: number }[];
      const rssAfter = api.alive ? api.rssBytes() : 0;
      return {
        durationMs: options.durationMs,
        requests,
        byOperation,
        unexpected,
        faults,
        jobs: {
          started: ids.length,
          completed: count('COMPLETED'),
          failed: count('FAILED'),
          cancelled: count('CANCELLED'),
          unfinished: count('QUEUED') + count('RUNNING') + (ids.length - rows.length),
          completedWithOneVersion: versions.filter(
            (v) => v.status === 'COMPLETED' && v.versions === 1,
          ).length,
          strayVersions: versions.filter((v) => v.status !== 'COMPLETED' && v.versions > 0).length,
          duplicateJobsForKeys: perKey.filter((k) => k.n > 1).length,
        },
        apiRssBytes: { before: rssBefore, after: rssAfter },
        apiAlive: api.alive,
      };
    } finally {
      await db.end();
    }
  } finally {
    for (const p of processes) await p.kill('SIGKILL');
    await redis.stop();
    await pg.destroy();
  }
}

/** The report as a Markdown table (docs/platform.md keeps one). */
export function formatSoakReport(report: SoakReport): string {
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const lines = [
    `| Soak run: ${(report.durationMs / 60_000).toFixed(1)} min of load | |`,
    '|---|---|',
    `| requests answered | ${report.requests} |`,
    ...Object.entries(report.byOperation).map(
      ([op, counts]) =>
        `| ${op} | ${Object.entries(counts)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([status, n]) => `${status}: ${n}`)
          .join(', ')} |`,
    ),
    `| unexpected answers (5xx other than 503, timeouts, network errors) | ${report.unexpected} |`,
    `| faults | ${report.faults.length}: ${report.faults.join('; ')} |`,
    `| training jobs started | ${report.jobs.started} |`,
    `| completed (with exactly one version) | ${report.jobs.completed} (${report.jobs.completedWithOneVersion}) |`,
    `| failed / cancelled / unfinished | ${report.jobs.failed} / ${report.jobs.cancelled} / ${report.jobs.unfinished} |`,
    `| versions of jobs that did not complete | ${report.jobs.strayVersions} |`,
    `| idempotency keys with more than one job | ${report.jobs.duplicateJobsForKeys} |`,
    `| API RSS before / after | ${mib(report.apiRssBytes.before)} / ${mib(report.apiRssBytes.after)} |`,
    `| API alive at the end | ${report.apiAlive ? 'yes' : 'NO'} |`,
  ];
  return lines.join('\n');
}
