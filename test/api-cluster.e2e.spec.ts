import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@ddnn/persistence';
import { ensureBuiltFor } from './support/ensure-built';
import { deleteRedisPrefix } from './support/redis-cleanup';
import { waitFor } from './support/test-platform';

/**
 * API_PROCESSES=2: one port served by two API processes, metrics of both in every scrape, a dead
 * one replaced, a clean stop.
 */
describe('API as a cluster of processes', () => {
  let db: TestDatabase;
  let api: ChildProcess;
  let output = '';
  let port = 0;
  const prefix = `ddnn-test-${randomBytes(4).toString('hex')}`;
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

  const children = (): number[] => {
    try {
      const text = readFileSync(`/proc/${api.pid}/task/${api.pid}/children`, 'utf8').trim();
      return text ? text.split(' ').map(Number) : [];
    } catch {
      return [];
    }
  };
  const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);

  beforeAll(async () => {
    ensureBuiltFor(['apps/api/src', 'libs'], 'dist/apps/api/src/main.js');
    db = await createTestDatabase();
    port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    api = spawn(process.execPath, [join(__dirname, '../dist/apps/api/src/main.js')], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: prefix,
        API_PORT: String(port),
        GRPC_PORT: '0', // any free port: several APIs (and other tests) run at once
        API_PROCESSES: '2',
        SEED_BUILTIN_DATASETS: 'false',
        LOG_LEVEL: 'warn',
        ADMIN_TOKEN: 'cluster-test-admin-token-0123',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    api.stdout!.on('data', (chunk) => (output += chunk));
    api.stderr!.on('data', (chunk) => (output += chunk));
    await waitFor(
      async () => (output.includes('with 2 processes') ? true : undefined),
      120_000,
      'the API cluster to listen',
    );
  }, 300_000);
  afterAll(async () => {
    if (api && api.exitCode === null) {
      const exited = new Promise((resolve) => api.once('exit', resolve));
      api.kill('SIGKILL');
      for (const pid of children()) process.kill(pid, 'SIGKILL');
      await exited;
    }
    await deleteRedisPrefix(redisUrl, prefix);
    await db?.drop();
  });

  it('serves from two processes, scrapes both, replaces one that dies, and stops cleanly', async () => {
    const [first, second] = children();
    expect([first, second].every((pid) => pid > 0)).toBe(true);
    const answers = await Promise.all(Array.from({ length: 40 }, () => get('/health')));
    expect(answers.map((a) => a.status)).toEqual(Array(40).fill(200));
    // /metrics counts the requests of both processes, whichever process answers the scrape
    const healthCount = async () => {
      const text = await (await get('/metrics')).text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('ddnn_http_requests_total{') && l.includes('route="/health"'));
      return Number(line?.split(' ').pop());
    };
    expect([await healthCount(), await healthCount(), await healthCount()]).toEqual([40, 40, 40]);
    const created = await fetch(`http://127.0.0.1:${port}/models`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer cluster-test-admin-token-0123',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'm' }),
    });
    expect(created.status).toBe(201);

    process.kill(first, 'SIGKILL');
    const replaced = await waitFor(
      async () => {
        const now = children();
        return now.length === 2 && !now.includes(first) ? now : undefined;
      },
      60_000,
      'a replacement process',
    );
    expect(replaced).toContain(second);
    await waitFor(
      async () => ((await get('/health').catch(() => null))?.status === 200 ? true : undefined),
      60_000,
      'the cluster to answer again',
    );

    const exited = new Promise<number | null>((resolve) => api.once('exit', resolve));
    api.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(
      replaced.filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      }),
    ).toEqual([]);
  }, 180_000);
});
