import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { JobName, QueueName, redisConnectionOptions } from '@ddnn/contracts';
import type { PlatformProcess } from '../scripts/support/platform-process';
import { httpCall, OwnServicesPlatform } from './support/own-services-platform';
import { waitFor } from './support/test-platform';

/**
 * Issue 10 items 2, 3, 8, 10 and 13: PostgreSQL and Redis outages, driven for real. The test runs
 * its own PostgreSQL and Redis (spare ports, temp dirs), stops and restarts them, and runs the API
 * and a worker as processes from dist/. Steps share state, in order.
 */
describe('outages of PostgreSQL and Redis', () => {
  let platform: OwnServicesPlatform;
  let api: PlatformProcess;
  let worker: PlatformProcess;
  let url: string;
  let queue: Queue;
  const RETRY_AFTER = '7';
  const gql = (query: string, variables: Record<string, unknown> = {}, admin = false) =>
    httpCall(`${url}/graphql`, { method: 'POST', json: { query, variables }, admin });
  const jobOf = async (id: string) => (await httpCall(`${url}/training-jobs/${id}`)).json;
  const untilStatus = (id: string, statuses: string[], ms: number) =>
    waitFor(
      async () => {
        const job = await jobOf(id);
        return statuses.includes(job?.status) ? job : undefined;
      },
      ms,
      `training job ${id} to become ${statuses.join(' or ')}`,
    );
  // Two samples of blank views, mode b (raw views), on version 1.
  const inferRequest = {
    method: 'POST',
    json: {
      inputs: [
        {
          name: 'views',
          datatype: 'FP32',
          shape: [2, 6, 32, 32, 3],
          data: new Array(2 * 6 * 32 * 32 * 3).fill(0.5),
        },
      ],
    },
  } as const;

  beforeAll(async () => {
    platform = await OwnServicesPlatform.create({
      UNAVAILABLE_RETRY_AFTER_SECONDS: RETRY_AFTER,
      TRAINING_ATTEMPTS: '2',
      TRAINING_RETRY_BACKOFF_MS: '300',
      TRAINING_REAPER_INTERVAL_MS: '1000',
    });
    ({ api, url } = await platform.startApi());
    worker = await platform.startWorker();
    queue = new Queue(QueueName.Training, {
      connection: { ...redisConnectionOptions(platform.redis.url), enableOfflineQueue: false },
      prefix: platform.env.QUEUE_PREFIX,
    });
    queue.on('error', () => undefined);
    const dataset = await httpCall(`${url}/datasets/builtin`, {
      method: 'POST',
      admin: true,
      json: { builtin: 'synthetic-mvmc', name: 'tiny', trainSize: 24, testSize: 12 },
    });
    expect(dataset.status).toBe(201);
    expect(
      (await httpCall(`${url}/models`, { method: 'POST', admin: true, json: { name: 'mvmc' } }))
        .status,
    ).toBe(201);
    const first = await httpCall(`${url}/training-jobs`, {
      method: 'POST',
      admin: true,
      json: { modelName: 'mvmc', dataset: 'tiny', epochs: 1, batchSize: 12 },
    });
    expect(first.status).toBe(201);
    await untilStatus(first.json.id, ['COMPLETED'], 180_000);
  }, 400_000);

  afterAll(async () => {
    await queue?.close().catch(() => undefined);
    await platform?.destroy();
  });

  it('bounds X-Request-Id from the client (length and charset), else uses a fresh id', async () => {
    const kept = await httpCall(`${url}/health`, { headers: { 'x-request-id': 'trace-42.a:b' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-42.a:b');
    for (const bad of ['x'.repeat(15_000), 'with space', '<tag>']) {
      const res = await httpCall(`${url}/health`, { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers 503 with Retry-After within a bounded time while PostgreSQL is down, and survives a training event meanwhile', async () => {
    const warm = await httpCall(`${url}/v2/models/mvmc/versions/1/infer`, inferRequest);
    expect(warm.status).toBe(200);

    await platform.pg.stop('fast');
    for (const [path, init] of [
      ['/datasets', {}],
      ['/training-jobs', {}],
      ['/health', {}],
      ['/models', { method: 'POST', admin: true, json: { name: 'during-outage' } }],
      [
        '/training-jobs',
        { method: 'POST', admin: true, json: { modelName: 'mvmc', dataset: 'tiny' } },
      ],
    ] as const) {
      const res = await httpCall(`${url}${path}`, init);
      expect({ path, status: res.status, code: res.json?.error?.code }).toEqual({
        path,
        status: 503,
        code: 'UNAVAILABLE',
      });
      expect(res.headers.get('retry-after')).toBe(RETRY_AFTER);
      expect(res.ms).toBeLessThan(8000);
    }
    const graphql = await gql('{ datasets { name } }');
    expect(graphql.json.errors?.[0].extensions).toMatchObject({ code: 'UNAVAILABLE', status: 503 });

    // Inference on the loaded version: served, or refused as unavailable; never a 500.
    const infer = await httpCall(`${url}/v2/models/mvmc/versions/1/infer`, inferRequest);
    expect([200, 503]).toContain(infer.status);

    // A training job ends (fails: the worker cannot read it) while the database is down: the
    // API receives the queue's "failed" event and cannot read the final state. It must live on.
    const ghost = randomUUID();
    await queue.add(JobName.TrainModel, { trainingJobId: ghost }, { jobId: ghost, attempts: 1 });
    await waitFor(
      async () => ((await (await queue.getJob(ghost))?.getState()) === 'failed' ? true : undefined),
      30_000,
      'the queue job to fail',
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect({ alive: api.alive, output: api.alive ? '' : api.output() }).toEqual({
      alive: true,
      output: '',
    });
    expect((await httpCall(`${url}/health`)).status).toBe(503);

    await platform.pg.start();
    await waitFor(
      async () => ((await httpCall(`${url}/health`)).status === 200 ? true : undefined),
      30_000,
      'the API to reach the database again',
    );
    expect((await httpCall(`${url}/datasets`)).status).toBe(200);
    expect(api.alive).toBe(true);
  });

  it('answers 503 at once while Redis is down, leaves no job behind, and an Idempotency-Key never duplicates a job', async () => {
    const before = (await httpCall(`${url}/training-jobs`)).json.length;
    const request = {
      method: 'POST',
      admin: true,
      headers: { 'idempotency-key': 'client-retry-1' },
      json: { modelName: 'mvmc', dataset: 'tiny', epochs: 1, batchSize: 12, seed: 3 },
    } as const;
    await platform.redis.stop();
    const refused = await httpCall(`${url}/training-jobs`, request);
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe('UNAVAILABLE');
    expect(refused.headers.get('retry-after')).toBe(RETRY_AFTER);
    expect(refused.ms).toBeLessThan(5000);
    expect((await httpCall(`${url}/training-jobs`)).json.length).toBe(before);
    // Inference needs no Redis (rate limits fall back to per-process counts).
    expect((await httpCall(`${url}/v2/models/mvmc/versions/1/infer`, inferRequest)).status).toBe(
      200,
    );

    await platform.redis.start();
    const created = await waitFor(
      async () => {
        const res = await httpCall(`${url}/training-jobs`, request);
        return res.status === 201 ? res : undefined;
      },
      30_000,
      'POST /training-jobs to succeed once Redis is back',
    );
    const again = await httpCall(`${url}/training-jobs`, request);
    expect(again.status).toBe(201);
    expect(again.json.id).toBe(created.json.id);
    const viaGraphql = await gql(
      'mutation S($input: StartTrainingInput!, $key: String) { startTraining(input: $input, idempotencyKey: $key) { id } }',
      { input: request.json, key: 'client-retry-1' },
      true,
    );
    expect(viaGraphql.json.data?.startTraining.id).toBe(created.json.id);
    const reused = await httpCall(`${url}/training-jobs`, {
      ...request,
      json: { ...request.json, epochs: 2 },
    });
    expect(reused.status).toBe(422);
    expect(reused.json.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const badKey = await httpCall(`${url}/training-jobs`, {
      ...request,
      headers: { 'idempotency-key': 'has spaces' },
    });
    expect(badKey.status).toBe(400);
    expect((await httpCall(`${url}/training-jobs`)).json.length).toBe(before + 1);
    await untilStatus(created.json.id, ['COMPLETED'], 120_000);
  });

  it('settles a job whose worker could not record its end (reaper), and cancel and retry behave on it', async () => {
    const started = await httpCall(`${url}/training-jobs`, {
      method: 'POST',
      admin: true,
      json: { modelName: 'mvmc', dataset: 'tiny', epochs: 400, batchSize: 12 },
    });
    expect(started.status).toBe(201);
    const id = started.json.id as string;
    await waitFor(
      async () => ((await jobOf(id))?.currentEpoch >= 1 ? true : undefined),
      120_000,
      'the job to run an epoch',
    );
    await platform.pg.stop('crash');
    // The worker's attempts fail while the database is down (backed off 300 ms) and it cannot
    // record FAILED: on the queue the job is failed, in the database still RUNNING.
    await waitFor(
      async () => ((await (await queue.getJob(id))?.getState()) === 'failed' ? true : undefined),
      60_000,
      'the queue to fail the job',
    );
    await platform.pg.start();
    const settled = await untilStatus(id, ['FAILED'], 30_000);
    expect(settled.error).toContain('could not be recorded');

    const cancelFailed = await httpCall(`${url}/training-jobs/${id}/cancel`, {
      method: 'POST',
      admin: true,
    });
    expect(cancelFailed.status).toBe(409);
    const retried = await gql(`mutation { retryTraining(id: "${id}") { id status } }`, {}, true);
    expect(retried.json.errors).toBeUndefined();
    const retryId = retried.json.data.retryTraining.id as string;
    const cancelled = await httpCall(`${url}/training-jobs/${retryId}/cancel`, {
      method: 'POST',
      admin: true,
    });
    expect(cancelled.status).toBe(200);
    await untilStatus(retryId, ['CANCELLED'], 30_000);
    // Versions: the first job's and the idempotent job's; none from the failed or cancelled ones.
    const versions = await gql('{ modelVersions(filter: {modelName: "mvmc"}) { totalCount } }');
    expect(versions.json.data.modelVersions.totalCount).toBe(2);
    expect(api.alive && worker.alive).toBe(true);
  });
});
