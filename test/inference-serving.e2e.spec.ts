import { createBuiltinDataset, encodeDataset } from '@ddnn/datasets';
import {
  type DdnnConfigInput,
  deserializeModel,
  inferCloudFromFeatures,
  inferHierarchy,
  initEngineBackend,
  PAPER_MVMC_CONFIG,
} from '@ddnn/engine';
import * as tf from '@tensorflow/tfjs-core';
import { createApiApp } from '../apps/api/src/api-app.factory';
import { publishUntrainedVersion } from './support/publish-test-version';
import { ADMIN_TOKEN, TestPlatform, waitFor } from './support/test-platform';

/**
 * Serving under load and abuse (issue 10 items 1 and 4, issue 14): samples per request bounded,
 * large requests run batch by batch while the API keeps answering, cache eviction never breaks
 * a request in flight, and resolved aliases follow a move made in another API process.
 */
const V = PAPER_MVMC_CONFIG.numDevices;
const BYTES = 128; // 16x16x4 sign bits per device
const MAX_SAMPLES = 300;
const MAX_BATCH = 16;
const FLOAT_CLOUD: DdnnConfigInput = {
  ...PAPER_MVMC_CONFIG,
  cloud: { ...PAPER_MVMC_CONFIG.cloud, binary: false },
};

interface Published {
  version: number;
  weights: Uint8Array;
}

function binaryBody(name: string, datatype: string, shape: number[], raw: Uint8Array) {
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name, datatype, shape, parameters: { binary_data_size: raw.byteLength } }],
    }),
  );
  return {
    body: new Uint8Array(
      Buffer.concat([header, Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)]),
    ),
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(header.length),
    },
  };
}

function randomBytes(n: number, seed: number): Uint8Array {
  let state = seed >>> 0;
  return new Uint8Array(n).map(() => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  });
}

describe('serving: bounded requests, safe eviction, fresh aliases', () => {
  let platform: TestPlatform;
  let modelId: string;
  let datasetId: string;
  const published: Published[] = [];
  const data = createBuiltinDataset('synthetic-mvmc', { seed: 5, trainSize: 12, testSize: 64 });

  async function publish(seed: number, config: DdnnConfigInput): Promise<Published> {
    const { version, weights } = await publishUntrainedVersion(platform.prisma, {
      modelId,
      datasetId,
      config,
      seed,
    });
    return { version, weights };
  }

  beforeAll(async () => {
    await initEngineBackend('wasm');
    platform = await TestPlatform.start({
      INFERENCE_MAX_SAMPLES: String(MAX_SAMPLES),
      INFERENCE_MAX_BATCH: String(MAX_BATCH),
      // requests wait in the batcher, so evictions happen while they are in flight
      INFERENCE_MAX_DELAY_MS: '3',
      MODEL_CACHE_SIZE: '2',
      INFERENCE_RESOLVE_TTL_MS: '60000',
      BODY_MAX_BYTES: String(40 * 1024 * 1024),
      RATE_LIMIT_PER_MINUTE: '0',
    });
    const form = new FormData();
    form.set('name', 'cams');
    form.set('file', new Blob([new Uint8Array(encodeDataset(data.train))]), 'cams.ddnnds');
    const dataset = await platform.http('/datasets', { method: 'POST', admin: true, body: form });
    expect(dataset.status).toBe(201);
    datasetId = dataset.json.id;
    const model = await platform.http('/models', {
      method: 'POST',
      admin: true,
      json: { name: 'mvmc' },
    });
    expect(model.status).toBe(201);
    modelId = model.json.id;
    // versions 1-3 binary (served on the bit-packed runtimes), 4-5 with a float cloud (tfjs)
    for (let seed = 1; seed <= 3; seed++) published.push(await publish(seed, PAPER_MVMC_CONFIG));
    for (let seed = 4; seed <= 5; seed++) published.push(await publish(seed, FLOAT_CLOUD));
  }, 300_000);
  afterAll(async () => {
    await platform?.stop();
  });

  async function metric(pattern: RegExp): Promise<number> {
    const text = (await platform.http('/metrics')).text;
    return [...text.matchAll(new RegExp(pattern, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
  }

  it('refuses [21000, 6, 128] device features with 413 naming INFERENCE_MAX_SAMPLES, running nothing', async () => {
    const batchesBefore = await metric(/^ddnn_inference_batch_size_count\{[^}]*\} (\d+)/);
    const big = binaryBody(
      'device_features',
      'UINT8',
      [21000, V, BYTES],
      new Uint8Array(21000 * V * BYTES),
    );
    const res = await platform.http('/v2/models/mvmc/infer', {
      method: 'POST',
      body: big.body,
      headers: big.headers,
    });
    expect(res.status).toBe(413);
    expect(res.json.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.json.error).toContain('INFERENCE_MAX_SAMPLES');
    expect(res.json.error).toContain(`at most ${MAX_SAMPLES}`);
    // JSON claiming as many samples: refused on its shape, before its data is looked at
    const json = await platform.http('/v2/models/mvmc/infer', {
      method: 'POST',
      json: {
        inputs: [{ name: 'views', datatype: 'FP32', shape: [21000, V, 32, 32, 3], data: [] }],
      },
    });
    expect(json.status).toBe(413);
    expect(json.json.error).toContain('21000 samples');
    expect(await metric(/^ddnn_inference_batch_size_count\{[^}]*\} (\d+)/)).toBe(batchesBefore);
  });

  it('serves a request at the limit in batches of INFERENCE_MAX_BATCH, answering /health meanwhile', async () => {
    const n = MAX_SAMPLES;
    const latest = published[published.length - 1];
    // mode b (views through every tier on tfjs, the cloud being float): the heaviest there is
    const views = new Float32Array(n * V * 32 * 32 * 3);
    const pixels = data.test.pixels;
    for (let i = 0; i < views.length; i++) views[i] = pixels[i % pixels.length] / 255;
    const big = binaryBody('views', 'FP32', [n, V, 32, 32, 3], new Uint8Array(views.buffer));
    const bucketsBefore = await metric(
      /^ddnn_inference_batch_size_bucket\{[^}]*le="16"[^}]*\} (\d+)/,
    );
    const countBefore = await metric(/^ddnn_inference_batch_size_count\{[^}]*\} (\d+)/);

    const started = Date.now();
    let done = 0;
    const pending = platform
      .http(`/v2/models/mvmc/versions/${latest.version}/infer`, {
        method: 'POST',
        body: big.body,
        headers: big.headers,
      })
      .finally(() => (done = Date.now()));
    const healthAnswers: number[] = [];
    while (!done) {
      const health = await platform.http('/health');
      if (!done) healthAnswers.push(Date.now());
      expect(health.status).toBe(200);
    }
    const res = await pending;
    expect(res.status).toBe(200);
    const duration = done - started;

    // answers equal the engine's on the same weights
    const model = deserializeModel(latest.weights);
    const expected = inferHierarchy(
      model,
      {
        numSamples: n,
        numViews: V,
        viewShape: [32, 32, 3],
        pixels: views,
        viewLabels: new Int32Array(n * V),
        labels: new Int32Array(n),
      },
      0.5,
    );
    model.dispose();
    const classes = res.json.outputs.find((o: { name: string }) => o.name === 'class').data;
    const tiers = res.json.outputs.find((o: { name: string }) => o.name === 'exit_tier').data;
    expect(classes).toEqual(expected.map((a) => a.predictedClass));
    expect(tiers).toEqual(expected.map((a) => a.exitTier));

    // ran as ceil(n / 16) batches of at most 16 samples
    const batches = (await metric(/^ddnn_inference_batch_size_count\{[^}]*\} (\d+)/)) - countBefore;
    const small =
      (await metric(/^ddnn_inference_batch_size_bucket\{[^}]*le="16"[^}]*\} (\d+)/)) -
      bucketsBefore;
    expect(batches).toBe(Math.ceil(n / MAX_BATCH));
    expect(small).toBe(batches);

    // /health kept answering: several answers while the request ran, no long silence
    const times = [started, ...healthAnswers, done];
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(healthAnswers.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...gaps)).toBeLessThan(duration / 2);
  }, 120_000);

  it('evicts versions under concurrent traffic to more versions than the cache holds: zero failures', async () => {
    const model = deserializeModel(published[0].weights);
    const tensorsPerModel = model.variables.size;
    model.dispose();
    const viewSize = 32 * 32 * 3;
    const sample = new Float32Array(V * viewSize).map((_, i) => data.test.pixels[i] / 255);
    const features = randomBytes(V * BYTES, 9);
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let sent = 0;
    const client = async (c: number) => {
      for (let r = 0; r < 25; r++) {
        const v = published[(c + r) % published.length].version;
        const body =
          (c + r) % 3 === 0
            ? {
                inputs: [
                  {
                    name: 'device_features',
                    datatype: 'UINT8',
                    shape: [1, V, BYTES],
                    data: Array.from(features),
                  },
                ],
              }
            : {
                inputs: [
                  {
                    name: 'views',
                    datatype: 'FP32',
                    shape: [1, V, 32, 32, 3],
                    data: Array.from(sample),
                  },
                ],
              };
        const res = await platform.http(`/v2/models/mvmc/versions/${v}/infer`, {
          method: 'POST',
          json: body,
        });
        sent++;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status !== 200) failures.push(`${res.status} ${res.text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: 12 }, (_, c) => client(c)));
    expect(failures).toEqual([]);
    expect(statuses.get(200)).toBe(sent);
    expect(sent).toBe(300);
    // evicted versions were disposed once unused: at most the cache's two versions hold tensors
    // (plus whatever this test process holds itself, none now)
    expect(tf.memory().numTensors).toBeLessThanOrEqual(2 * tensorsPerModel);
  }, 180_000);

  it('serves mode a exactly as the engine, and an alias moved in another API process at once', async () => {
    const second = await createApiApp(platform.config);
    await second.listen({ host: '127.0.0.1', port: 0 });
    const secondUrl = (await second.getUrl()).replace('[::1]', '127.0.0.1');
    try {
      const [a, b] = [published[0], published[1]];
      const move = (version: number) =>
        fetch(`${platform.baseUrl}/models/mvmc/aliases/production`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ version }),
        });
      expect((await move(a.version)).status).toBe(200);
      const n = 5;
      const raw = randomBytes(n * V * BYTES, 4);
      const request = binaryBody('device_features', 'UINT8', [n, V, BYTES], raw);
      const inferSecond = async () => {
        const res = await fetch(`${secondUrl}/v2/models/mvmc/versions/production/infer`, {
          method: 'POST',
          body: request.body,
          headers: request.headers,
        });
        return (await res.json()) as {
          model_version: string;
          outputs: { name: string; data: number[] }[];
        };
      };
      const first = await inferSecond();
      expect(first.model_version).toBe(String(a.version));
      // bit for bit the engine's cloud tier on the same features
      const model = deserializeModel(a.weights);
      const perDevice = Array.from({ length: V }, (_, d) => {
        const out = new Uint8Array(n * BYTES);
        for (let s = 0; s < n; s++)
          out.set(raw.subarray((s * V + d) * BYTES, (s * V + d + 1) * BYTES), s * BYTES);
        return out;
      });
      const expected = inferCloudFromFeatures(model, perDevice, n);
      model.dispose();
      const probabilities = first.outputs.find((o) => o.name === 'probabilities')!.data;
      expect(probabilities).toEqual(expected.flatMap((e) => e.probabilities));

      // the move is made through the first process; the second's cache (TTL 60 s) drops it
      const movedAt = Date.now();
      expect((await move(b.version)).status).toBe(200);
      await waitFor(
        async () => ((await inferSecond()).model_version === String(b.version) ? true : undefined),
        5000,
        'the second API process to serve the moved alias',
      );
      expect(Date.now() - movedAt).toBeLessThan(5000);
    } finally {
      await second.close();
    }
  }, 60_000);
});
