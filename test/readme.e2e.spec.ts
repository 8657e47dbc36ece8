import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, withDatabase } from '@ddnn/persistence';
import { ensureBuilt, ensureBuiltFor } from './support/ensure-built';
import { applyRewrites, Rewrite, shellBlocks } from './support/readme-blocks';
import { deleteRedisPrefix } from './support/redis-cleanup';
import { waitFor } from './support/test-platform';

const ROOT = join(__dirname, '..');
const BLOCK_TIMEOUT_MS = 10 * 60_000;
/** Start-up, a 2-epoch CLI run, a 3-epoch job and the edge run; minutes on a loaded 2-core machine. */
const TEST_TIMEOUT_MS = 30 * 60_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function runBlock(code: string, cwd: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', code], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const timer = setTimeout(() => {
      output += `\n[readme test: block killed after ${BLOCK_TIMEOUT_MS / 1000} s]`;
      process.kill(-child.pid!, 'SIGKILL');
    }, BLOCK_TIMEOUT_MS);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

/**
 * README.md, run as a newcomer would: every shell block in order (blocks marked
 * `readme-test:skip` excepted, see test/support/readme-blocks.ts) in one fresh directory, against
 * a platform started the way `npm start` starts it, on its own database, queue prefix and port.
 */
describe('README.md, top to bottom', () => {
  const server = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const databaseUrl = withDatabase(server, `ddnn_test_readme_${randomBytes(4).toString('hex')}`);
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const queuePrefix = `ddnn-test-${randomBytes(4).toString('hex')}`;
  let platform: ChildProcess | undefined;
  let platformOutput = '';
  let workdir = '';

  afterAll(async () => {
    if (platform && platform.exitCode === null) {
      const exited = new Promise((resolve) => platform!.once('exit', resolve));
      platform.kill('SIGTERM');
      await exited;
    }
    if (workdir) await rm(workdir, { recursive: true, force: true });
    await dropDatabase(databaseUrl);
    await deleteRedisPrefix(redisUrl, queuePrefix);
  });

  it(
    'every shell block works, in order, against a fresh platform',
    async () => {
      ensureBuilt();
      ensureBuiltFor(['apps/cli/src', 'apps/edge-client/src', 'libs'], 'dist/apps/cli/src/main.js');
      const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
      const [apiPort, gatewayPort] = [await freePort(), await freePort()];
      // What the test changes, and why; each must still occur in the README, so that a README
      // change that makes a rewrite stale fails here rather than silently running something else.
      const rewrites: Rewrite[] = [
        { from: 'localhost:3000', to: `localhost:${apiPort}`, why: 'the test platform port' },
        { from: '127.0.0.1:3000', to: `127.0.0.1:${apiPort}`, why: 'the test platform port' },
        { from: '127.0.0.1:7070', to: `127.0.0.1:${gatewayPort}`, why: 'a free gateway port' },
        { from: '--epochs 100', to: '--epochs 2', why: 'the CLI run: minutes to seconds' },
      ];
      for (const r of rewrites)
        expect({ rewrite: r.from, inReadme: readme.includes(r.from) }).toEqual({
          rewrite: r.from,
          inReadme: true,
        });

      workdir = await mkdtemp(join(tmpdir(), 'ddnn-readme-'));
      // A user's checkout: `npx ddnn` and `npx edge-client` resolve through node_modules.
      await writeFile(join(workdir, 'package.json'), '{"name":"readme-test","private":true}\n');
      await symlink(join(ROOT, 'node_modules'), join(workdir, 'node_modules'));

      // `npm start`, as the README's quick start runs it.
      platform = spawn(process.execPath, [join(ROOT, 'dist/scripts/start-platform.js')], {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_ENV: 'development',
          DATABASE_URL: databaseUrl,
          REDIS_URL: redisUrl,
          API_PORT: String(apiPort),
          GRPC_PORT: '0', // any free port: several APIs (and other tests) run at once
          QUEUE_PREFIX: queuePrefix,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      platform.stdout!.on('data', (c) => (platformOutput += c));
      platform.stderr!.on('data', (c) => (platformOutput += c));
      await waitFor(
        async () =>
          platformOutput.includes('api listening') && platformOutput.includes('worker ready')
            ? true
            : platform!.exitCode !== null
              ? Promise.reject(new Error(platformOutput))
              : undefined,
        240_000,
        'the platform to start',
      );

      const blocks = shellBlocks(readme).filter((b) => b.run);
      expect(blocks.length).toBeGreaterThanOrEqual(3);
      const outputs: string[] = [];
      for (const block of blocks) {
        const started = Date.now();
        const { status, output } = await runBlock(applyRewrites(block.code, rewrites), workdir);
        process.stderr.write(
          `README block at line ${block.line}: exit ${status} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
        );
        const where = `README.md block at line ${block.line}:\n${block.code}\n--- output ---\n${output}`;
        if (status !== 0)
          throw new Error(`exit ${status}, ${where}\n--- platform ---\n${platformOutput}`);
        // curl -s prints error answers and exits 0: an error body is a failure too.
        if (/"errors?"\s*:\s*[{["]/.test(output)) throw new Error(`an error answer, ${where}`);
        outputs.push(output);
      }
      const all = outputs.join('\n');
      // What each documented step promises (blocks other than these are checked as above).
      expect(all).toMatch(/test accuracy: local [\d.]+%/); // ddnn train
      expect(all).toMatch(/train acc local [\d.]+% cloud [\d.]+%/); // its progress line says so
      expect(all).toMatch(
        /wrote mine\.ddnnds \(ddnnds, \d+ bytes\): "synthetic-mvmc", 851 samples/,
      );
      expect(all).toMatch(/job [0-9a-f-]{36}: COMPLETED/); // the README waited for the job
      expect(all).toMatch(/"name":"production"/); // the alias move
      expect(all).toMatch(/"platform":|"inputs":\[/); // /v2 metadata of the production version
      expect(all).toMatch(/"name":"mine"/); // the upload of the exported file
      expect(all).toMatch(/^\s*171 r\.jsonl$/m); // the gateway answered every test sample
    },
    TEST_TIMEOUT_MS,
  );
});
