/**
 * `node dist/scripts/bench-serve-inprocess.js [DIST_ROOT] [REPEATS] [REQUESTS]`: server CPU per
 * /v2 infer request (mode a, binary, one sample) without sockets or a load generator, the
 * steadiest figure on a shared machine. The API app of DIST_ROOT (default: this build's dist/;
 * give another checkout's dist/ for a same-machine A/B) runs in this process on the bench:serve
 * database (BENCH_DATABASE_URL, default ddnn_bench_serve; run bench:serve once first), and
 * answers REQUESTS requests (3200) through fastify.inject in groups of 32 concurrent ones,
 * REPEATS times (7); it prints the CPU microseconds per request, min and median over repeats
 * (the minimum is the least disturbed), and checks every answer is the first one's bytes.
 */
import { cpuUsage } from 'node:process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { PlatformConfig } from '@ddnn/contracts';
import { encodeBinaryRequest, FEATURES_INPUT, inferPath } from '@ddnn/contracts';

const [distArg, repeatsArg, requestsArg] = process.argv.slice(2);
const DIST = resolve(distArg ?? join(__dirname, '..'));
const REPEATS = Number(repeatsArg ?? 7);
const REQUESTS = Number(requestsArg ?? 3200);
const GROUP = 32;

async function main(): Promise<void> {
  const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/ddnn');
  url.pathname = '/ddnn_bench_serve';
  Object.assign(process.env, {
    DATABASE_URL: process.env.BENCH_DATABASE_URL ?? url.toString(),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    GRPC_PORT: '0',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const contracts = require(join(DIST, 'libs/contracts/src/index.js')) as {
    loadPlatformConfig: () => PlatformConfig;
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require(join(DIST, 'apps/api/src/api-app.factory.js')) as {
    createApiApp: (config: PlatformConfig) => Promise<NestFastifyApplication>;
  };
  const app = await factory.createApiApp(contracts.loadPlatformConfig());
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  const features = Buffer.from(Array.from({ length: 6 * 128 }, (_, i) => (i * 37 + 11) % 256));
  const { body, headers } = encodeBinaryRequest([
    { name: FEATURES_INPUT, datatype: 'UINT8', shape: [1, 6, 128], bytes: features },
  ]);
  const infer = () =>
    fastify.inject({ method: 'POST', url: inferPath('mvmc'), payload: body, headers });
  const first = await infer();
  if (first.statusCode !== 200) throw new Error(`${first.statusCode} ${first.body}`);
  const perRequest: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const before = cpuUsage();
    for (let i = 0; i < REQUESTS; i += GROUP) {
      const answers = await Promise.all(Array.from({ length: GROUP }, infer));
      if (answers.some((a) => a.statusCode !== 200 || a.body !== first.body)) {
        throw new Error('an answer differs from the first one');
      }
    }
    const used = cpuUsage(before);
    perRequest.push((used.user + used.system) / REQUESTS);
  }
  perRequest.sort((a, b) => a - b);
  console.log(
    `${DIST}: CPU us/request min ${perRequest[0].toFixed(0)}, median ` +
      `${perRequest[Math.floor(REPEATS / 2)].toFixed(0)} (${REPEATS} x ${REQUESTS} requests, ` +
      `${GROUP} at a time; load average ${loadavg()[0].toFixed(1)})`,
  );
  await app.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
