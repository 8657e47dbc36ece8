import type { PlatformProcess } from '../scripts/support/platform-process';
import { httpCall, OwnServicesPlatform } from './support/own-services-platform';
import { waitFor } from './support/test-platform';

/**
 * Issue 10 item 7 and must-hold 4: two API processes and two workers started at the same moment
 * on one fresh (not even created) database and an empty Redis all come up, seed the built-in
 * datasets once, share rate limits (in Redis), and serve training and inference correctly.
 */
describe('replicas starting together', () => {
  let platform: OwnServicesPlatform;
  let urls: string[];
  let processes: PlatformProcess[];
  const LIMIT = 6;

  beforeAll(async () => {
    platform = await OwnServicesPlatform.create({
      SEED_BUILTIN_DATASETS: 'true',
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
    });
    // May wait for a build of dist/ (shared lock with other checkouts) on a loaded machine.
  }, 400_000);
  afterAll(async () => {
    await platform?.destroy();
  });

  it('all come up at once on a fresh database and seed the built-in datasets exactly once', async () => {
    const [a, b, w1, w2] = await Promise.all([
      platform.startApi(),
      platform.startApi(),
      platform.startWorker(),
      platform.startWorker(),
    ]);
    urls = [a.url, b.url];
    processes = [a.api, b.api, w1, w2];
    for (const url of urls) {
      const datasets = await httpCall(`${url}/datasets`);
      expect(datasets.status).toBe(200);
      expect(datasets.json.map((d: { name: string }) => d.name).sort()).toEqual([
        'mnist-6',
        'synthetic-mvmc',
      ]);
    }
  }, 400_000);

  it('share one rate limit: the limit counts requests to every replica, and 429 carries Retry-After', async () => {
    const infer = (url: string) =>
      httpCall(`${url}/v2/models/no-such-model/infer`, {
        method: 'POST',
        json: { inputs: [{ name: 'views', datatype: 'FP32', shape: [1], data: [0] }] },
      });
    for (let tries = 0; ; tries++) {
      const window = Math.floor(Date.now() / 60_000);
      const statuses: number[] = [];
      for (let i = 0; i < LIMIT + 1; i++) statuses.push((await infer(urls[i % 2])).status);
      const limited = await infer(urls[1]);
      // A request sequence that straddles a minute boundary starts a new window: try again.
      if (Math.floor(Date.now() / 60_000) !== window && tries < 2) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      expect(statuses.slice(0, LIMIT)).toEqual(new Array(LIMIT).fill(404));
      expect(statuses[LIMIT]).toBe(429);
      expect(limited.status).toBe(429);
      expect(limited.json.code).toBe('RATE_LIMITED');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      break;
    }
  });

  it('serve correctly: jobs started on either API are trained once by either worker', async () => {
    const [a, b] = urls;
    expect(
      (
        await httpCall(`${b}/datasets/builtin`, {
          method: 'POST',
          admin: true,
          json: { builtin: 'synthetic-mvmc', name: 'tiny', trainSize: 24, testSize: 12 },
        })
      ).status,
    ).toBe(201);
    expect(
      (await httpCall(`${a}/models`, { method: 'POST', admin: true, json: { name: 'mvmc' } }))
        .status,
    ).toBe(201);
    const jobs = await Promise.all(
      urls.flatMap((url) =>
        [1, 2].map((seed) =>
          httpCall(`${url}/training-jobs`, {
            method: 'POST',
            admin: true,
            json: { modelName: 'mvmc', dataset: 'tiny', epochs: 1, batchSize: 12, seed },
          }),
        ),
      ),
    );
    expect(jobs.map((j) => j.status)).toEqual([201, 201, 201, 201]);
    for (const job of jobs) {
      let last: unknown;
      await waitFor(
        async () => {
          const row = (await httpCall(`${b}/training-jobs/${job.json.id}`)).json;
          last = { ...row, epochs: row.epochs?.length };
          if (row.status === 'FAILED') throw new Error(`job failed: ${row.error}`);
          return row.status === 'COMPLETED' ? row : undefined;
        },
        240_000,
        `job ${job.json.id} to complete`,
      ).catch((error: Error) => {
        throw new Error(
          `${error.message}: ${JSON.stringify(last)}\n` +
            processes.map((p) => `--- ${p.kind} ${p.alive}\n${p.output().slice(-2500)}`).join('\n'),
        );
      });
    }
    const versions = await httpCall(`${a}/graphql`, {
      method: 'POST',
      json: {
        query:
          '{ modelVersions(filter: {modelName: "mvmc"}, first: 10) { nodes { version trainingJobId } } }',
      },
    });
    const nodes = versions.json.data.modelVersions.nodes as {
      version: number;
      trainingJobId: string;
    }[];
    expect(nodes.map((n) => n.version).sort()).toEqual([1, 2, 3, 4]);
    expect(new Set(nodes.map((n) => n.trainingJobId))).toEqual(new Set(jobs.map((j) => j.json.id)));
    // Either API serves any version.
    for (const url of urls) {
      const ready = await httpCall(`${url}/v2/models/mvmc/versions/4/ready`);
      expect(ready.status).toBe(200);
    }
    expect(processes.every((p) => p.alive)).toBe(true);
  }, 400_000);
});
