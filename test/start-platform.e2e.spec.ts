import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { dropDatabase, withDatabase } from '@ddnn/persistence';
import { ensureBuilt } from './support/ensure-built';
import { deleteRedisPrefix } from './support/redis-cleanup';
import { waitFor } from './support/test-platform';

/** `npm start` on a database that does not exist yet: created, migrated, seeded, both processes up. */
describe('npm start (scripts/start-platform)', () => {
  const server = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `ddnn_test_start_${randomBytes(4).toString('hex')}`;
  const databaseUrl = withDatabase(server, name);
  const port = 3800 + Math.floor(Math.random() * 90);
  const queuePrefix = `ddnn-test-${randomBytes(4).toString('hex')}`;

  afterAll(async () => {
    await dropDatabase(databaseUrl);
    await deleteRedisPrefix(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', queuePrefix);
  });

  it('creates and migrates the database, seeds the built-in datasets, runs api and worker, stops cleanly', async () => {
    ensureBuilt();
    const child = spawn(process.execPath, [join(__dirname, '../dist/scripts/start-platform.js')], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        API_PORT: String(port),
        GRPC_PORT: '0',
        QUEUE_PREFIX: queuePrefix,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c) => (output += c));
    child.stderr!.on('data', (c) => (output += c));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await waitFor(
        async () =>
          output.includes('api listening') && output.includes('worker ready')
            ? true
            : child.exitCode !== null
              ? Promise.reject(new Error(output))
              : undefined,
        180_000,
        'api and worker to start',
      );
      expect(output).toContain('created the database');
      // The Open Inference Protocol's gRPC endpoint starts with the api (GRPC_PORT 0: any port).
      expect(output).toMatch(/Open Inference Protocol gRPC on 127\.0\.0\.1:[1-9]\d*/);
      const datasets = (await (await fetch(`http://127.0.0.1:${port}/datasets`)).json()) as {
        name: string;
        trainSize: number;
      }[];
      expect(datasets.map((d) => d.name).sort()).toEqual(['mnist-6', 'synthetic-mvmc']);
      expect(datasets.find((d) => d.name === 'synthetic-mvmc')?.trainSize).toBe(680);

      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      const { rows } = await client.query('SELECT count(*)::int AS n FROM _ddnn_migrations');
      await client.end();
      expect(rows[0].n).toBeGreaterThanOrEqual(2);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
