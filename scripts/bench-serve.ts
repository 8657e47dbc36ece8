/**
 * `npm run bench:serve`: how close /v2 infer comes to the bare HTTP ceiling. For each kind of
 * request (mode a binary, mode a JSON, mode b binary FP32 views; one sample each) it runs, in
 * one run, autocannon against a bare Fastify route that takes the same body and answers the
 * same JSON bytes (scripts/bench-serve-baseline.ts), then against the API, and prints
 * requests/s, p50/p99, server CPU per request and the ratio API / baseline with its goal.
 *
 * It needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL of the environment): it uses its own
 * database (BENCH_DATABASE_URL, default: database ddnn_bench_serve on DATABASE_URL's server),
 * migrated, with the built-in datasets and, when model BENCH_MODEL has no version yet, a paper
 * MVMC model trained for 2 epochs in-process and published as the worker would.
 * Options (env): BENCH_MODEL (mvmc), BENCH_CONNECTIONS (32), BENCH_SECONDS (10),
 * BENCH_PORT (3900; the baseline uses the next port), BENCH_API_ENV (extra API settings as
 * JSON, e.g. '{"API_PROCESSES":"2"}'), BENCH_ONLY (comma-separated scenario keys: a-binary,
 * a-json, b-binary).
 * With a-binary, the same features also go over gRPC (ModelInfer, raw_input_contents) and the
 * gRPC / REST ratio of that run is printed. Both sides of that ratio are measured with h2load
 * (Debian package nghttp2-client), a native load generator outside Node: gRPC as one HTTP/2
 * connection with CONNECTIONS concurrent streams, each sending the same pre-encoded gRPC frame
 * (5-byte prefix + ModelInferRequest), and REST as CONNECTIONS HTTP/1.1 connections sending the
 * mode (a) binary body. Without h2load the gRPC side falls back to a grpc-js client in this
 * process (which is then the bottleneck, so the ratio says little) and a notice says so.
 */
import autocannon from 'autocannon';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import {
  encodeBinaryRequest,
  FEATURES_INPUT,
  loadPlatformConfig,
  VIEWS_INPUT,
} from '@ddnn/contracts';
import { createBuiltinDataset } from '@ddnn/datasets';
import {
  createModel,
  cutPartitions,
  initEngineBackend,
  PAPER_MVMC_CONFIG,
  serializeModel,
  trainModel,
  type EvaluationReport,
} from '@ddnn/engine';
import { createPrismaClient, ensureDatabase, migrateDatabase } from '@ddnn/persistence';
import { loadOipGrpcService } from '../apps/api/src/grpc/oip-grpc-service';
import { publishVersion } from '../apps/worker/src/training/version-publisher';

const env = process.env;
const MODEL = env.BENCH_MODEL ?? 'mvmc';
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const PORT = Number(env.BENCH_PORT ?? 3900);
const BASELINE_PORT = PORT + 1;
const ADMIN_TOKEN = 'bench-serve-admin-token-0123';
const API_ENV = JSON.parse(env.BENCH_API_ENV ?? '{}') as Record<string, string>;
const CLOCK_TICKS = 100; // USER_HZ on Linux: /proc/<pid>/stat counts CPU in 1/100 s

interface Scenario {
  key: string;
  label: string;
  body: Buffer;
  headers: Record<string, string>;
  goal: number;
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  cpuUsPerRequest: number;
  failed: number;
}

function databaseUrl(): string {
  if (env.BENCH_DATABASE_URL) return env.BENCH_DATABASE_URL;
  const url = new URL(loadPlatformConfig().DATABASE_URL);
  url.pathname = '/ddnn_bench_serve';
  return url.toString();
}

function binaryBody(name: string, datatype: string, shape: number[], bytes: Uint8Array) {
  const { body, headers } = encodeBinaryRequest([{ name, datatype, shape, bytes }]);
  return { body, headers };
}

/** The bench's mode (a) features: 6 devices x 128 bytes, the same in every request. */
const FEATURES = Buffer.from(Array.from({ length: 6 * 128 }, (_, i) => (i * 37 + 11) % 256));

function scenarios(): Scenario[] {
  const { test } = createBuiltinDataset('synthetic-mvmc', { seed: 99, trainSize: 2, testSize: 4 });
  const [h, w, c] = test.viewShape;
  const features = FEATURES;
  const views = Float32Array.from(test.pixels.subarray(0, 6 * h * w * c), (v) =>
    test.pixelFormat === 'uint8' ? v / 255 : v,
  );
  const all: Scenario[] = [
    {
      key: 'a-binary',
      label: 'mode a, binary (768 B of features)',
      ...binaryBody(FEATURES_INPUT, 'UINT8', [1, 6, 128], features),
      goal: 0.5,
    },
    {
      key: 'a-json',
      label: 'mode a, JSON',
      body: Buffer.from(
        JSON.stringify({
          inputs: [
            {
              name: FEATURES_INPUT,
              datatype: 'UINT8',
              shape: [1, 6, 128],
              data: Array.from(features),
            },
          ],
        }),
      ),
      headers: { 'content-type': 'application/json' },
      goal: 0.25,
    },
    {
      key: 'b-binary',
      label: 'mode b, binary FP32 views',
      ...binaryBody(VIEWS_INPUT, 'FP32', [1, 6, h, w, c], new Uint8Array(views.buffer)),
      goal: 0.2,
    },
  ];
  const only = env.BENCH_ONLY?.split(',');
  return only ? all.filter((s) => only.includes(s.key)) : all;
}

/** Starts a node process; resolves with it and its standard output up to the ready line. */
async function startProcess(
  args: string[],
  ready: string,
  extraEnv: Record<string, string>,
): Promise<{ child: ChildProcess; output: string }> {
  const child = spawn(process.execPath, args, {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const output = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(ready)) resolve(text);
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}: ${text}`)));
  });
  return { child, output };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** CPU seconds used so far by a process and its children (cluster workers). */
function cpuSeconds(pid: number): number {
  let ticks = 0;
  const visit = (p: number) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
      const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const c of children ? children.split(' ') : []) visit(Number(c));
    } catch {
      // the process ended meanwhile
    }
  };
  visit(pid);
  return ticks / CLOCK_TICKS;
}

async function measure(url: string, scenario: Scenario, server: ChildProcess): Promise<Measured> {
  const options = {
    url,
    method: 'POST',
    headers: scenario.headers,
    body: scenario.body,
    connections: CONNECTIONS,
  };
  await autocannon({ ...options, duration: 2 }); // warm-up (JIT, caches, connections)
  const cpuBefore = cpuSeconds(server.pid!);
  const result = await autocannon({ ...options, duration: SECONDS });
  const cpu = cpuSeconds(server.pid!) - cpuBefore;
  const ok = result['2xx'];
  return {
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUsPerRequest: (cpu / Math.max(1, ok)) * 1e6,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * gRPC ModelInfer with the features as raw_input_contents (what Triton's gRPC clients send), from
 * CONNECTIONS concurrent loops over one channel (HTTP/2 streams), for the same warm-up and time.
 */
async function measureGrpc(port: number, server: ChildProcess): Promise<Measured> {
  const Client = loadOipGrpcService();
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const request = grpcRequest();
  const call = () =>
    new Promise<void>((resolve, reject) =>
      (client as unknown as Record<string, GrpcUnary>).ModelInfer(request, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  const run = async (seconds: number) => {
    const latencies: number[] = [];
    let failed = 0;
    const started = performance.now();
    const end = started + seconds * 1000;
    const loop = async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await call();
          latencies.push(performance.now() - t);
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, loop));
    return { latencies, failed, duration: (performance.now() - started) / 1000 };
  };
  try {
    await run(2); // warm-up
    const cpuBefore = cpuSeconds(server.pid!);
    const { latencies, failed, duration } = await run(SECONDS);
    const cpu = cpuSeconds(server.pid!) - cpuBefore;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))] ?? 0);
    return {
      rps: latencies.length / duration,
      p50: at(0.5),
      p99: at(0.99),
      cpuUsPerRequest: (cpu / Math.max(1, latencies.length)) * 1e6,
      failed,
    };
  } finally {
    client.close();
  }
}

type GrpcUnary = (
  request: unknown,
  callback: (error: Error | null, response?: unknown) => void,
) => void;

function grpcRequest() {
  return {
    model_name: MODEL,
    inputs: [{ name: FEATURES_INPUT, datatype: 'UINT8', shape: [1, 6, 128] }],
    raw_input_contents: [FEATURES],
  };
}

/** h2load's path, or null when nghttp2-client is not installed. */
function h2loadPath(): string | null {
  for (const dir of (env.PATH ?? '').split(':')) {
    const file = join(dir || '.', 'h2load');
    if (existsSync(file)) return file;
  }
  return null;
}

function runH2load(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('h2load', args, { maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`h2load ${args.join(' ')}: ${error.message} ${stderr}`))
        : resolve(stdout),
    ),
  );
}

/**
 * One h2load target: a 2 s warm-up run, then SECONDS measured with the server's CPU; latencies
 * from h2load's per-request log. `expectedData`: DATA bytes one good answer carries (gRPC answers
 * its errors with headers and trailers only, and h2load cannot read grpc-status, so answers
 * short of these bytes count as failed).
 */
async function measureH2load(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
  server: ChildProcess,
  options: { http1: boolean; expectedData?: number },
): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-serve-h2load-'));
  const bodyFile = join(dir, 'body');
  const logFile = join(dir, 'log');
  writeFileSync(bodyFile, body);
  const args = [
    ...(options.http1
      ? ['--h1', '-c', String(CONNECTIONS), '-m', '1']
      : ['-c', '1', '-m', String(CONNECTIONS)]),
    '-t',
    '1',
    '-d',
    bodyFile,
    ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    url,
  ];
  await runH2load(['-D', '2', ...args]); // warm-up
  const cpuBefore = cpuSeconds(server.pid!);
  const out = await runH2load(['-D', String(SECONDS), '--log-file', logFile, ...args]);
  const cpu = cpuSeconds(server.pid!) - cpuBefore;
  const field = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  const seconds = field(/finished in ([\d.]+)s/);
  let succeeded = field(/(\d+) succeeded/);
  const failed = field(/(\d+) failed/) + field(/(\d+) errored/) + field(/(\d+) timeout/);
  let short = 0;
  if (options.expectedData !== undefined) {
    const data = field(/\((\d+)\) data/);
    short = Math.max(0, succeeded - Math.floor(data / options.expectedData));
    succeeded -= short;
  }
  if (!Number.isFinite(seconds) || !Number.isFinite(succeeded)) {
    throw new Error(`unexpected h2load output: ${out}`);
  }
  const latencies = readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => Number(line.split('\t')[2]) / 1000)
    .sort((a, b) => a - b);
  rmSync(dir, { recursive: true, force: true });
  const at = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))] ?? 0);
  return {
    rps: succeeded / seconds,
    p50: at(0.5),
    p99: at(0.99),
    cpuUsPerRequest: (cpu / Math.max(1, succeeded)) * 1e6,
    failed: failed + short,
  };
}

/** ModelInfer over gRPC and the same features over REST (binary), both driven by h2load. */
async function measureGrpcH2load(
  port: number,
  restUrl: string,
  rest: Scenario,
  server: ChildProcess,
): Promise<{ grpc: Measured; rest: Measured }> {
  const Client = loadOipGrpcService();
  const method = Client.service.ModelInfer;
  const request = grpcRequest();
  // one call through grpc-js first: the request is accepted, and its answer's size
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const answer = await new Promise<unknown>((resolve, reject) =>
    (client as unknown as Record<string, GrpcUnary>).ModelInfer(request, (error, response) =>
      error ? reject(error) : resolve(response),
    ),
  );
  client.close();
  const message = method.requestSerialize(request);
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  const grpc = await measureH2load(
    `http://127.0.0.1:${port}${method.path}`,
    frame,
    { 'content-type': 'application/grpc', te: 'trailers' },
    server,
    { http1: false, expectedData: 5 + method.responseSerialize(answer).length },
  );
  const restMeasured = await measureH2load(restUrl, rest.body, rest.headers, server, {
    http1: true,
  });
  return { grpc, rest: restMeasured };
}

/** A model with a version to serve: the bench database's, or one trained here and published. */
async function ensureModel(apiUrl: string, dbUrl: string): Promise<void> {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const existing = await fetch(`${apiUrl}/v2/models/${MODEL}/ready`);
  if (existing.status === 200) return;
  const created = await fetch(`${apiUrl}/models`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ name: MODEL }),
  });
  if (created.status !== 201 && created.status !== 409) {
    throw new Error(`creating model ${MODEL}: ${created.status} ${await created.text()}`);
  }
  const prisma = createPrismaClient(dbUrl, { poolSize: 2 });
  try {
    const model = await prisma.model.findUniqueOrThrow({ where: { name: MODEL } });
    const dataset = await prisma.dataset.findUniqueOrThrow({ where: { name: 'synthetic-mvmc' } });
    console.log('training a paper MVMC model for 2 epochs to serve (first run only) ...');
    await initEngineBackend('wasm');
    const ddnn = createModel(PAPER_MVMC_CONFIG, 1);
    const { train } = createBuiltinDataset('synthetic-mvmc', { seed: 1 });
    await trainModel(ddnn, train, { epochs: 2, batchSize: 32, learningRate: 0.01, seed: 1 });
    const job = await prisma.trainingJob.create({
      data: {
        modelId: model.id,
        datasetId: dataset.id,
        status: 'RUNNING',
        params: {},
        totalEpochs: 2,
      },
    });
    await publishVersion(prisma, {
      trainingJobId: job.id,
      modelId: model.id,
      datasetId: dataset.id,
      config: ddnn.config,
      report: {} as EvaluationReport,
      threshold: 0.5,
      weights: serializeModel(ddnn),
      partitions: cutPartitions(ddnn, { thresholds: { local: 0.5 } }),
    });
    ddnn.dispose();
  } finally {
    await prisma.$disconnect();
  }
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function main(): Promise<void> {
  const dbUrl = databaseUrl();
  await ensureDatabase(dbUrl);
  await migrateDatabase(dbUrl);
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const loadBefore = load();
  const { child: api, output: apiOutput } = await startProcess(
    [join(__dirname, '../apps/api/src/main.js')],
    'api listening',
    {
      DATABASE_URL: dbUrl,
      API_PORT: String(PORT),
      GRPC_PORT: '0', // any free port: several APIs (and other tests) run at once
      ADMIN_TOKEN,
      SEED_BUILTIN_DATASETS: 'true',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      ...API_ENV,
    },
  );
  const apiUrl = `http://127.0.0.1:${PORT}`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-serve-'));
  const rows: { scenario: Scenario; baseline: Measured; platform: Measured; bytes: number }[] = [];
  let grpc: Measured | undefined;
  let h2: { grpc: Measured; rest: Measured } | undefined;
  try {
    await ensureModel(apiUrl, dbUrl);
    const inferUrl = `${apiUrl}/v2/models/${MODEL}/infer`;
    for (const scenario of scenarios()) {
      const answer = await fetch(inferUrl, {
        method: 'POST',
        headers: scenario.headers,
        body: new Uint8Array(scenario.body),
      });
      const bytes = Buffer.from(await answer.arrayBuffer());
      if (answer.status !== 200) throw new Error(`${scenario.label}: ${answer.status} ${bytes}`);
      const responseFile = join(dir, `${scenario.key}.json`);
      writeFileSync(responseFile, bytes);
      const { child: baselineProcess } = await startProcess(
        [join(__dirname, 'bench-serve-baseline.js'), String(BASELINE_PORT), responseFile],
        'baseline listening',
        {},
      );
      let baseline: Measured;
      try {
        baseline = await measure(
          `http://127.0.0.1:${BASELINE_PORT}/infer`,
          scenario,
          baselineProcess,
        );
      } finally {
        await stopProcess(baselineProcess);
      }
      const platform = await measure(inferUrl, scenario, api);
      rows.push({ scenario, baseline, platform, bytes: bytes.length });
    }
    const grpcPort = Number(/gRPC on \S*:(\d+)/.exec(apiOutput)?.[1]);
    const restBinaryScenario = rows.find((r) => r.scenario.key === 'a-binary')?.scenario;
    if (restBinaryScenario && grpcPort > 0) {
      if (h2loadPath()) {
        h2 = await measureGrpcH2load(grpcPort, inferUrl, restBinaryScenario, api);
      } else {
        console.log(
          'notice: h2load not found (apt-get install nghttp2-client): gRPC measured with a grpc-js ' +
            'client in this process, which is the bottleneck; its ratio to REST says little',
        );
        grpc = await measureGrpc(grpcPort, api);
      }
    }
  } finally {
    await stopProcess(api);
  }
  console.log(
    `bench:serve ${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ` +
      `load average ${loadBefore} before, ${load()} after; autocannon ${CONNECTIONS} connections, ` +
      `${SECONDS} s per target, one sample per request; API settings ${JSON.stringify(API_ENV)}`,
  );
  console.log(
    '| request | body B | answer B | target | requests/s | p50 ms | p99 ms | server CPU us/request | failed |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const { scenario, baseline, platform, bytes } of rows) {
    for (const [target, m] of [
      ['bare Fastify', baseline],
      ['/v2 infer', platform],
    ] as const) {
      console.log(
        `| ${scenario.label} | ${scenario.body.length} | ${bytes} | ${target} | ${fmt(m.rps, 0)} | ${m.p50} | ${m.p99} | ${fmt(m.cpuUsPerRequest, 0)} | ${m.failed} |`,
      );
    }
  }
  const restBinary = rows.find((r) => r.scenario.key === 'a-binary')?.platform;
  if (grpc) {
    console.log(
      `| mode a, gRPC ModelInfer (raw_input_contents) | ${FEATURES.length} raw | - | gRPC (grpc-js client) | ${fmt(grpc.rps, 0)} | ${grpc.p50} | ${grpc.p99} | ${fmt(grpc.cpuUsPerRequest, 0)} | ${grpc.failed} |`,
    );
  }
  if (h2) {
    console.log(
      `| mode a, gRPC ModelInfer (raw_input_contents) | ${FEATURES.length} raw | - | gRPC (h2load, 1 connection x ${CONNECTIONS} streams) | ${fmt(h2.grpc.rps, 0)} | ${h2.grpc.p50} | ${h2.grpc.p99} | ${fmt(h2.grpc.cpuUsPerRequest, 0)} | ${h2.grpc.failed} |`,
    );
    console.log(
      `| mode a, binary (768 B of features) | - | - | /v2 infer (h2load --h1, ${CONNECTIONS} connections) | ${fmt(h2.rest.rps, 0)} | ${h2.rest.p50} | ${h2.rest.p99} | ${fmt(h2.rest.cpuUsPerRequest, 0)} | ${h2.rest.failed} |`,
    );
  }
  console.log(
    '(load generators: autocannon for the bare Fastify and /v2 rows; the gRPC rows as named)',
  );
  console.log('\n| request | /v2 / bare | goal | met |');
  console.log('|---|---|---|---|');
  for (const { scenario, baseline, platform } of rows) {
    const ratio = platform.rps / baseline.rps;
    const p99 = scenario.key === 'a-binary' ? ` and p99 <= 10 ms (${platform.p99} ms)` : '';
    const met = ratio >= scenario.goal && (scenario.key !== 'a-binary' || platform.p99 <= 10);
    console.log(
      `| ${scenario.label} | ${fmt(ratio, 3)} | >= ${scenario.goal}${p99} | ${met ? 'yes' : 'no'} |`,
    );
  }
  if (grpc && restBinary) {
    const ratio = grpc.rps / restBinary.rps;
    console.log(
      `| mode a, gRPC (grpc-js client) / REST binary (autocannon), same run | ${fmt(ratio, 3)} | >= 1 | ${ratio >= 1 ? 'yes' : 'no'} |`,
    );
  }
  if (h2) {
    const ratio = h2.grpc.rps / h2.rest.rps;
    console.log(
      `| mode a, gRPC / REST binary, both h2load, same run | ${fmt(ratio, 3)} | >= 1 | ${ratio >= 1 ? 'yes' : 'no'} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
