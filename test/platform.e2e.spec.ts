import {
  createBuiltinDataset,
  decodeDataset,
  encodeDataset,
  MultiViewDataset,
} from '@ddnn/datasets';
import {
  deserializeModel,
  inferCloudFromFeatures,
  inferHierarchy,
  PartitionedModel,
} from '@ddnn/engine';
import { packSigns } from '@ddnn/partition-format';
import { GraphqlSubscription } from './support/graphql-subscription';
import { TestPlatform, waitFor, WorkerProcess } from './support/test-platform';

/**
 * A new user's path through the platform, over real HTTP and WebSocket, against real PostgreSQL
 * and Redis, with the worker as a separate process. Steps share state, in order.
 */
describe('platform end to end', () => {
  let platform: TestPlatform;
  let worker: WorkerProcess;
  let extraWorker: WorkerProcess | undefined;
  let trainingJobId: string;
  let versionId: string;

  const uploaded = createBuiltinDataset('synthetic-mvmc', {
    seed: 11,
    trainSize: 48,
    testSize: 12,
  }).train;

  beforeAll(async () => {
    platform = await TestPlatform.start();
    worker = await platform.startWorker();
  }, 300_000);
  afterAll(async () => {
    await platform?.stop();
  });

  function uploadForm(
    name: string,
    bytes: Uint8Array,
    fileName: string,
    extra: Record<string, string> = {},
  ) {
    const form = new FormData();
    form.set('name', name);
    for (const [k, v] of Object.entries(extra)) form.set(k, v);
    form.set('file', new Blob([new Uint8Array(bytes)]), fileName);
    return form;
  }

  it('refuses management calls without the admin token', async () => {
    const res = await platform.http('/models', { method: 'POST', json: { name: 'x' } });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('UNAUTHORIZED');
    const gql = await platform.graphql('mutation { createModel(input: {name: "x"}) { id } }');
    expect(gql.errors?.[0].extensions?.code).toBe('UNAUTHORIZED');
    const wrong = await platform.http('/models', {
      method: 'POST',
      json: { name: 'x' },
      headers: { authorization: 'Bearer wrong-token' },
    });
    expect(wrong.status).toBe(401);
  });

  it('uploads a dataset, and rejects broken ones with a clear message, storing nothing', async () => {
    const good = await platform.http('/datasets', {
      method: 'POST',
      admin: true,
      body: uploadForm('cams', encodeDataset(uploaded), 'cams.ddnnds', { testFraction: '0.25' }),
    });
    expect(good.status).toBe(201);
    expect(good.json).toMatchObject({
      name: 'cams',
      viewCount: 6,
      classNames: ['car', 'bus', 'person'],
    });
    expect(good.json.trainSize + good.json.testSize).toBe(48);
    expect(good.json).not.toHaveProperty('trainData');

    const corrupt = encodeDataset(uploaded).slice(0, 500);
    const broken = await platform.http('/datasets', {
      method: 'POST',
      admin: true,
      body: uploadForm('broken', corrupt, 'broken.ddnnds'),
    });
    expect(broken.status).toBe(400);
    expect(broken.json.error.code).toBe('DATASET_REJECTED');
    expect(broken.json.error.message.length).toBeGreaterThan(10);

    const unknownFormat = await platform.http('/datasets', {
      method: 'POST',
      admin: true,
      body: uploadForm('weird', new Uint8Array([1, 2, 3]), 'weird.bin'),
    });
    expect(unknownFormat.status).toBe(400);
    expect(unknownFormat.json.error.message).toContain('cannot tell the format');

    const duplicate = await platform.http('/datasets', {
      method: 'POST',
      admin: true,
      body: uploadForm('cams', encodeDataset(uploaded), 'cams.ddnnds'),
    });
    expect(duplicate.status).toBe(409);

    const notMultipart = await platform.http('/datasets', {
      method: 'POST',
      admin: true,
      json: { name: 'x' },
    });
    expect(notMultipart.status).toBe(400);

    const list = await platform.http('/datasets');
    expect(list.json.map((d: { name: string }) => d.name)).toEqual(['cams']);
  });

  it('trains a model while a GraphQL subscription streams its progress', async () => {
    const model = await platform.graphql(
      'mutation { createModel(input: {name: "mvmc", description: "paper MP-CC"}) { id name lastVersion } }',
      {},
      true,
    );
    expect(model.errors).toBeUndefined();
    expect(model.data.createModel).toMatchObject({ name: 'mvmc', lastVersion: 0 });

    const badConfig = await platform.http('/models', {
      method: 'POST',
      admin: true,
      json: { name: 'bad', config: { numDevices: -1 } },
    });
    expect(badConfig.status).toBe(400);
    expect(badConfig.json.error.code).toBe('INVALID_MODEL_CONFIG');

    const started = await platform.graphql(
      `mutation Start($input: StartTrainingInput!) { startTraining(input: $input) { id status totalEpochs } }`,
      { input: { modelName: 'mvmc', dataset: 'cams', epochs: 3, batchSize: 12, seed: 2 } },
      true,
    );
    expect(started.errors).toBeUndefined();
    trainingJobId = started.data.startTraining.id;
    const subscription = await GraphqlSubscription.open<{
      trainingProgress: { epoch: number; status: string; progress: number };
    }>(
      platform.baseUrl,
      'subscription P($id: ID!) { trainingProgress(jobId: $id) { trainingJobId status epoch epochs progress losses accuracies } }',
      { id: trainingJobId },
    );
    try {
      const job = await waitFor(
        async () => {
          const res = await platform.graphql(
            'query J($id: ID!) { trainingJob(id: $id) { status progress currentEpoch error epochs { epoch losses accuracies } } }',
            { id: trainingJobId },
          );
          const j = res.data?.trainingJob;
          if (j?.status === 'FAILED')
            throw new Error(`training failed: ${j.error}\n${worker.output()}`);
          return j?.status === 'COMPLETED' ? j : undefined;
        },
        240_000,
        'the training job to complete',
      );
      expect(job).toMatchObject({ progress: 1, currentEpoch: 3 });
      expect(job.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3]);
      expect(job.epochs[0].losses.total).toEqual(expect.any(Number));
      await waitFor(
        async () =>
          subscription.events.some((e) => e.trainingProgress.status === 'COMPLETED')
            ? true
            : undefined,
        10_000,
        'the final event',
      );
      const epochs = subscription.events
        .filter((e) => e.trainingProgress.status === 'RUNNING')
        .map((e) => e.trainingProgress.epoch);
      expect(epochs).toEqual([1, 2, 3]);
    } finally {
      subscription.close();
    }
  });

  it('serves the version with its partitions and metrics, and moves the production alias', async () => {
    const res = await platform.graphql(`{
      modelVersions(filter: {modelName: "mvmc"}, first: 10) {
        totalCount hasNextPage
        nodes { id version threshold trainingJobId metrics partitions { tier deviceIndex sizeBytes sha256 formatVersion } }
      }
    }`);
    expect(res.errors).toBeUndefined();
    const page = res.data.modelVersions;
    expect(page).toMatchObject({ totalCount: 1, hasNextPage: false });
    const version = page.nodes[0];
    versionId = version.id;
    expect(version).toMatchObject({ version: 1, trainingJobId });
    expect(version.partitions).toHaveLength(8);
    expect(version.metrics.exitAccuracy).toHaveProperty('cloud');
    expect(version.metrics.sweep.length).toBeGreaterThan(0);
    expect(version.metrics.operatingPoint.threshold).toBe(version.threshold);

    const moved = await platform.graphql(
      'mutation { moveAlias(modelName: "mvmc", alias: "production", version: 1) { name versionId } }',
      {},
      true,
    );
    expect(moved.data.moveAlias).toEqual({ name: 'production', versionId });
    const byAlias = await platform.graphql(
      '{ modelVersions(filter: {alias: "production"}) { nodes { id aliases { name } } } }',
    );
    expect(byAlias.data.modelVersions.nodes).toEqual([
      { id: versionId, aliases: [{ name: 'production' }] },
    ]);
    const missing = await platform.graphql(
      'mutation { moveAlias(modelName: "mvmc", alias: "staging", version: 7) { name } }',
      {},
      true,
    );
    expect(missing.errors?.[0].extensions?.code).toBe('MODEL_VERSION_NOT_FOUND');
  });

  async function storedTestSplit(): Promise<MultiViewDataset> {
    const row = await platform.prisma.dataset.findUniqueOrThrow({ where: { name: 'cams' } });
    return decodeDataset(row.testData);
  }

  it('infers through /v2 with raw views (mode b) exactly like the engine in-process', async () => {
    const test = await storedTestSplit();
    const row = await platform.prisma.modelVersion.findUniqueOrThrow({ where: { id: versionId } });
    const model = deserializeModel(row.weights);
    const expected = inferHierarchy(model, test, row.threshold);
    model.dispose();

    const views = Array.from(test.pixels, (v) => (test.pixels instanceof Uint8Array ? v / 255 : v));
    const res = await platform.http('/v2/models/mvmc/versions/production/infer', {
      method: 'POST',
      json: {
        id: 'req-1',
        inputs: [
          {
            name: 'views',
            datatype: 'FP32',
            shape: [test.numSamples, 6, ...test.viewShape],
            data: views,
          },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ model_name: 'mvmc', model_version: '1', id: 'req-1' });
    const out = Object.fromEntries(
      res.json.outputs.map((o: { name: string; data: unknown[] }) => [o.name, o.data]),
    );
    expect(out.class).toEqual(expected.map((e) => e.predictedClass));
    expect(out.exit_tier).toEqual(expected.map((e) => e.exitTier));
    expect(out.comm_bytes).toEqual(expected.map((e) => e.commBytesPerDevice));
    out.entropy.forEach((v: number, i: number) => expect(v).toBeCloseTo(expected[i].entropy, 5));
    out.probabilities.forEach((v: number, i: number) =>
      expect(v).toBeCloseTo(expected[Math.floor(i / 3)].probabilities[i % 3], 5),
    );
  });

  it('infers through /v2 with bit-packed device features (mode a) exactly like the engine', async () => {
    const test = await storedTestSplit();
    const row = await platform.prisma.modelVersion.findUniqueOrThrow({
      where: { id: versionId },
      include: { partitions: true },
    });
    const devices = PartitionedModel.load(
      row.partitions.filter((p) => p.tier === 'DEVICE').map((p) => p.bytes),
    );
    const n = test.numSamples;
    const [h, w, c] = test.viewShape;
    const viewSize = h * w * c;
    const packed: Uint8Array[] = [];
    for (let d = 0; d < 6; d++) {
      const views = new Float32Array(n * viewSize);
      for (let s = 0; s < n; s++) {
        const start = (s * 6 + d) * viewSize;
        for (let i = 0; i < viewSize; i++) {
          const v = test.pixels[start + i];
          views[s * viewSize + i] = test.pixels instanceof Uint8Array ? v / 255 : v;
        }
      }
      const { features } = devices.runDevice(d, views, n);
      const per = features.length / n;
      const rows = Array.from({ length: n }, (_, s) =>
        packSigns(features.subarray(s * per, (s + 1) * per)),
      );
      const joined = new Uint8Array(rows.reduce((sum, r) => sum + r.length, 0));
      rows.forEach((r, s) => joined.set(r, s * r.length));
      packed.push(joined);
    }
    devices.dispose();
    const B = packed[0].length / n;
    const model = deserializeModel(row.weights);
    const expected = inferCloudFromFeatures(model, packed, n);
    model.dispose();

    const data: number[] = [];
    for (let s = 0; s < n; s++)
      for (let d = 0; d < 6; d++) data.push(...packed[d].subarray(s * B, (s + 1) * B));
    const res = await platform.http('/v2/models/mvmc/versions/1/infer', {
      method: 'POST',
      json: { inputs: [{ name: 'device_features', datatype: 'UINT8', shape: [n, 6, B], data }] },
    });
    expect(res.status).toBe(200);
    const out = Object.fromEntries(
      res.json.outputs.map((o: { name: string; data: unknown[] }) => [o.name, o.data]),
    );
    expect(out.class).toEqual(expected.map((e) => e.predictedClass));
    expect(out.exit_tier).toEqual(expected.map(() => 'cloud'));

    // The same request with the binary tensor data extension: identical answers.
    const header = Buffer.from(
      JSON.stringify({
        inputs: [
          {
            name: 'device_features',
            datatype: 'UINT8',
            shape: [n, 6, B],
            parameters: { binary_data_size: data.length },
          },
        ],
      }),
    );
    const binaryBody = Buffer.concat([header, Buffer.from(data)]);
    const binary = await platform.http('/v2/models/mvmc/versions/1/infer', {
      method: 'POST',
      body: binaryBody,
      headers: {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(header.length),
      },
    });
    expect(binary.json.error).toBeUndefined();
    expect(binary.status).toBe(200);
    expect(binary.json.outputs).toEqual(res.json.outputs);
    const jsonBytes = JSON.stringify({
      inputs: [{ name: 'device_features', datatype: 'UINT8', shape: [n, 6, B], data }],
    }).length;
    expect(binaryBody.length).toBeLessThan(jsonBytes / 2);
    out.probabilities.forEach((v: number, i: number) =>
      expect(v).toBeCloseTo(expected[Math.floor(i / 3)].probabilities[i % 3], 5),
    );
  });

  it('describes the model over /v2 and answers bad requests with 400s that say what was expected', async () => {
    const meta = await platform.http('/v2/models/mvmc');
    expect(meta.status).toBe(200);
    expect(meta.json.inputs[0]).toEqual(
      expect.objectContaining({ name: 'views', datatype: 'FP32', shape: [-1, 6, 32, 32, 3] }),
    );
    expect((await platform.http('/v2/models/mvmc/versions/production/ready')).json).toMatchObject({
      ready: true,
    });
    expect((await platform.http('/v2/health/ready')).status).toBe(200);

    const wrongShape = await platform.http('/v2/models/mvmc/infer', {
      method: 'POST',
      json: {
        inputs: [
          {
            name: 'views',
            datatype: 'FP32',
            shape: [1, 6, 16, 16, 3],
            data: new Array(4608).fill(0),
          },
        ],
      },
    });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.json.error.message).toContain('shape must be [N, 6, 32, 32, 3]');
    const noInputs = await platform.http('/v2/models/mvmc/infer', {
      method: 'POST',
      json: { inputs: 'x' },
    });
    expect(noInputs.status).toBe(400);
    const badJson = await platform.http('/v2/models/mvmc/infer', {
      method: 'POST',
      body: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    expect(badJson.status).toBe(400);
    const unknownModel = await platform.http('/v2/models/nope/infer', {
      method: 'POST',
      json: { inputs: [] },
    });
    expect(unknownModel.status).toBe(400);
    const unknownModel2 = await platform.http('/v2/models/nope');
    expect(unknownModel2.status).toBe(404);
  });

  it('resumes a job whose worker was killed mid-training and ends with exactly one version', async () => {
    const big = await platform.http('/datasets/builtin', {
      method: 'POST',
      admin: true,
      json: { builtin: 'synthetic-mvmc', name: 'big', seed: 4, trainSize: 160, testSize: 16 },
    });
    expect(big.status).toBe(201);
    const started = await platform.http('/training-jobs', {
      method: 'POST',
      admin: true,
      json: { modelName: 'mvmc', dataset: 'big', epochs: 5, batchSize: 32, seed: 3 },
    });
    expect(started.status).toBe(201);
    const id = started.json.id;
    const subscription = await GraphqlSubscription.open<{
      trainingProgress: { epoch: number; status: string };
    }>(
      platform.baseUrl,
      'subscription P($id: ID!) { trainingProgress(jobId: $id) { status epoch } }',
      { id },
    );
    try {
      const checkpointEpoch = await waitFor(
        async () => {
          const job = await platform.prisma.trainingJob.findUniqueOrThrow({ where: { id } });
          return job.checkpointEpoch !== null && job.checkpointEpoch >= 2 && job.checkpointEpoch < 5
            ? job.checkpointEpoch
            : undefined;
        },
        180_000,
        'a checkpoint at epoch 2',
      );
      await worker.kill('SIGKILL');
      const eventsBeforeKill = subscription.events.length;
      // Two workers now share the queue, and a second job arrives while the first resumes.
      worker = await platform.startWorker();
      extraWorker = await platform.startWorker();
      const second = await platform.http('/training-jobs', {
        method: 'POST',
        admin: true,
        json: { modelName: 'mvmc', dataset: 'cams', epochs: 1, batchSize: 12, seed: 9 },
      });
      expect(second.status).toBe(201);
      const job = await waitFor(
        async () => {
          const j = await platform.http(`/training-jobs/${id}`);
          if (j.json.status === 'FAILED')
            throw new Error(`failed: ${j.json.error}\n${worker.output()}`);
          return j.json.status === 'COMPLETED' ? j.json : undefined;
        },
        240_000,
        'the resumed job to complete',
      );
      expect(job.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
      const resumedEpochs = subscription.events
        .slice(eventsBeforeKill)
        .filter((e) => e.trainingProgress.status === 'RUNNING')
        .map((e) => e.trainingProgress.epoch);
      // The new worker went on from the checkpoint: it never re-ran epoch 1.
      expect(resumedEpochs.length).toBeGreaterThan(0);
      expect(Math.min(...resumedEpochs)).toBeGreaterThan(checkpointEpoch - 1);
      expect(resumedEpochs).not.toContain(1);
      expect(await platform.prisma.modelVersion.count({ where: { trainingJobId: id } })).toBe(1);
      await waitFor(
        async () =>
          (await platform.http(`/training-jobs/${second.json.id}`)).json.status === 'COMPLETED'
            ? true
            : undefined,
        120_000,
        'the second job to complete',
      );
      const versions = await platform.prisma.modelVersion.findMany({
        where: { model: { name: 'mvmc' } },
        orderBy: { version: 'asc' },
      });
      expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
      expect(new Set(versions.map((v) => v.trainingJobId)).size).toBe(3);
    } finally {
      subscription.close();
    }
  });

  it('cancels a queued job and exposes Prometheus metrics', async () => {
    await worker.kill('SIGKILL');
    await extraWorker?.kill('SIGKILL');
    const started = await platform.http('/training-jobs', {
      method: 'POST',
      admin: true,
      json: { modelName: 'mvmc', dataset: 'cams', epochs: 2 },
    });
    const cancelled = await platform.http(`/training-jobs/${started.json.id}/cancel`, {
      method: 'POST',
      admin: true,
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('CANCELLED');
    const again = await platform.http(`/training-jobs/${started.json.id}/cancel`, {
      method: 'POST',
      admin: true,
    });
    expect(again.status).toBe(409);
    expect((await platform.http('/training-jobs/not-a-job')).status).toBe(404);

    const metrics = await platform.http('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain(
      'ddnn_inference_requests_total{model="mvmc",version="1",outcome="ok"}',
    );
    expect(metrics.text).toMatch(/ddnn_inference_batch_size_count\{model="mvmc",version="1"\} \d+/);
    expect(metrics.text).toContain('ddnn_training_jobs{status="COMPLETED"} 3');
    expect(metrics.text).toContain('ddnn_training_queue_jobs{state="completed"}');
    expect(metrics.headers.get('x-request-id')).toBeTruthy();
  });
});
