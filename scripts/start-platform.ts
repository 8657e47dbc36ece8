/**
 * `npm start`: makes sure PostgreSQL and Redis are up (starting local ones that are installed
 * but stopped), creates and migrates the database, then runs the API and one worker together.
 * Stops both on Ctrl-C; exits when either dies.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ConfigError, loadPlatformConfig, type PlatformConfig } from '@ddnn/contracts';
import { ensureDatabase, migrateDatabase } from '@ddnn/persistence';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function reachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function commandExists(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function waitReachable(host: string, port: number, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await reachable(host, port, 250)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

async function ensurePostgres(config: PlatformConfig): Promise<void> {
  const url = new URL(config.DATABASE_URL);
  const host = url.hostname;
  const port = Number(url.port || 5432);
  if (await reachable(host, port)) return;
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  if (!LOCAL_HOSTS.has(host) || !commandExists('pg_ctlcluster') || versions.length === 0) {
    throw new Error(
      `PostgreSQL is not reachable at ${host}:${port} (DATABASE_URL). Start it, e.g. on Debian:\n` +
        '  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n' +
        'or with Docker: docker compose -f docker/compose.yaml up -d postgres',
    );
  }
  console.log(`starting PostgreSQL ${versions[0]} (cluster main)...`);
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'start'], {
    stdio: 'inherit',
  });
  if (!(await waitReachable(host, port, 20)))
    throw new Error(`PostgreSQL did not come up on ${host}:${port}`);
}

async function ensureRedis(config: PlatformConfig): Promise<void> {
  const url = new URL(config.REDIS_URL);
  const host = url.hostname;
  const port = Number(url.port || 6379);
  if (await reachable(host, port)) return;
  if (!LOCAL_HOSTS.has(host) || !commandExists('redis-server')) {
    throw new Error(
      `Redis is not reachable at ${host}:${port} (REDIS_URL). Start it, e.g.:\n` +
        `  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port ${port} --save "" --appendonly no\n` +
        'or with Docker: docker compose -f docker/compose.yaml up -d redis',
    );
  }
  console.log('starting Redis...');
  const args = [
    '--daemonize',
    'yes',
    '--bind',
    '127.0.0.1',
    '-::1',
    '--port',
    String(port),
    '--save',
    '',
    '--appendonly',
    'no',
  ];
  if (existsSync('/var/lib/redis')) args.push('--dir', '/var/lib/redis');
  if (existsSync('/var/log/redis')) args.push('--logfile', '/var/log/redis/ci.log');
  execFileSync('redis-server', args, { stdio: 'inherit' });
  if (!(await waitReachable(host, port, 10)))
    throw new Error(`Redis did not come up on ${host}:${port}`);
}

function run(name: string, script: string): ChildProcess {
  const child = spawn(process.execPath, [script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => `[${name}] ${line}\n`)
      .join('');
  child.stdout!.on('data', (chunk: Buffer) => process.stdout.write(prefix(chunk)));
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  return child;
}

async function main(): Promise<void> {
  const config = loadPlatformConfig();
  await ensurePostgres(config);
  await ensureRedis(config);
  if (await ensureDatabase(config.DATABASE_URL)) console.log('created the database');
  const { applied } = await migrateDatabase(config.DATABASE_URL);
  console.log(`database ready (${applied.length} migration(s) applied now)`);

  const dist = join(__dirname, '..');
  const children = [
    run('api', join(dist, 'apps/api/src/main.js')),
    run('worker', join(dist, 'apps/worker/src/main.js')),
  ];
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    // A worker finishing an epoch may take a while; do not leave it orphaned.
    setTimeout(() => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      process.exit(code);
    }, 10_000).unref();
    Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
    ).then(() => process.exit(code));
  };
  for (const child of children) child.once('exit', (code) => stop(code ?? 1));
  process.once('SIGINT', () => stop(0));
  process.once('SIGTERM', () => stop(0));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
  process.exit(1);
});
