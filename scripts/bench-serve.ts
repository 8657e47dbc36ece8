/**
 * `npm run bench:serve`: drives POST /v2/models/{model}/versions/{ref}/infer with concurrent
 * clients and prints throughput and p50/p99 latency, with dynamic batching off
 * (INFERENCE_MAX_BATCH=1) and on. It starts its own API process for each setting, against the
 * DATABASE_URL / REDIS_URL of the environment, and needs a trained model there (see
 * docs/platform.md). Options (env): BENCH_MODEL (mvmc), BENCH_REF (latest version),
 * BENCH_CONCURRENCY (32), BENCH_SECONDS (10), BENCH_MODE (views | features), BENCH_PORT (3900),
 * BENCH_ENCODING (json | binary: the binary tensor data extension).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createBuiltinDataset } from '@ddnn/datasets';

interface Result {
  label: string;
  requests: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
}

const env = process.env;
const MODEL = env.BENCH_MODEL ?? 'mvmc';
const REF = env.BENCH_REF;
const CONCURRENCY = Number(env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const MODE = env.BENCH_MODE ?? 'views';
const PORT = Number(env.BENCH_PORT ?? 3900);
const BINARY = env.BENCH_ENCODING === 'binary';

interface Body {
  data: string | Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
}

/** One input as a request body, JSON or with the binary tensor data extension. */
function encode(
  name: string,
  datatype: 'FP32' | 'UINT8',
  shape: number[],
  values: ArrayLike<number>,
): Body {
  if (!BINARY) {
    return {
      data: JSON.stringify({ inputs: [{ name, datatype, shape, data: Array.from(values) }] }),
      headers: { 'content-type': 'application/json' },
    };
  }
  const raw =
    datatype === 'FP32'
      ? Buffer.from(Float32Array.from(values).buffer)
      : Buffer.from(Uint8Array.from(values));
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name, datatype, shape, parameters: { binary_data_size: raw.length } }],
    }),
  );
  return {
    data: new Uint8Array(Buffer.concat([header, raw])),
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(header.length),
    },
  };
}

function requestBodies(): Body[] {
  const { test } = createBuiltinDataset('synthetic-mvmc', { seed: 99, trainSize: 2, testSize: 64 });
  const [h, w, c] = test.viewShape;
  const size = 6 * h * w * c;
  return Array.from({ length: test.numSamples }, (_, s) => {
    if (MODE === 'features') {
      const data = Array.from({ length: 6 * 128 }, (_, i) => (s * 31 + i * 7) % 256);
      return encode('device_features', 'UINT8', [1, 6, 128], data);
    }
    const pixels = test.pixels.subarray(s * size, (s + 1) * size);
    const data = Array.from(pixels, (v) => (test.pixelFormat === 'uint8' ? v / 255 : v));
    return encode('views', 'FP32', [1, 6, h, w, c], data);
  });
}

async function startApi(extra: Record<string, string>): Promise<() => void> {
  const child = spawn(process.execPath, [join(__dirname, '../apps/api/src/main.js')], {
    env: {
      ...env,
      API_PORT: String(PORT),
      SEED_BUILTIN_DATASETS: 'false',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on(
      'data',
      (chunk: Buffer) => chunk.toString().includes('api listening') && resolve(),
    );
    child.once('exit', (code) => reject(new Error(`api exited with ${code}`)));
  });
  return () => child.kill('SIGTERM');
}

async function drive(label: string, bodies: Body[]): Promise<Result> {
  const path = REF ? `/v2/models/${MODEL}/versions/${REF}/infer` : `/v2/models/${MODEL}/infer`;
  const url = `http://127.0.0.1:${PORT}${path}`;
  const post = (body: Body) =>
    fetch(url, { method: 'POST', body: body.data, headers: body.headers });
  const warm = await post(bodies[0]);
  if (warm.status !== 200)
    throw new Error(`warm-up request failed: ${warm.status} ${await warm.text()}`);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, client) => {
      for (let i = client; performance.now() < end; i += CONCURRENCY) {
        const t0 = performance.now();
        const res = await post(bodies[i % bodies.length]);
        await res.arrayBuffer();
        if (res.status === 200) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { label, requests: latencies.length, errors, seconds, p50: pct(0.5), p99: pct(0.99) };
}

async function main(): Promise<void> {
  const bodies = requestBodies();
  const results: Result[] = [];
  for (const [label, settings] of [
    [
      'no batching (INFERENCE_MAX_BATCH=1)',
      { INFERENCE_MAX_BATCH: '1', INFERENCE_MAX_DELAY_MS: '0' },
    ],
    ['dynamic batching (max 64, 5 ms)', { INFERENCE_MAX_BATCH: '64', INFERENCE_MAX_DELAY_MS: '5' }],
  ] as const) {
    const stop = await startApi(settings);
    try {
      results.push(await drive(label, bodies));
    } finally {
      stop();
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(
    `model ${MODEL}${REF ? `/${REF}` : ''}, mode ${MODE}, ${BINARY ? 'binary' : 'JSON'} bodies of ${bodies[0].data.length} bytes, 1 sample per request, ${CONCURRENCY} clients, ${SECONDS} s each`,
  );
  console.log('| setting | requests/s | p50 ms | p99 ms | errors |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.label} | ${(r.requests / r.seconds).toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
