import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian puts the PostgreSQL 15 server binaries (override with PG_BIN_DIR). */
const PG_BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

/** A free TCP port on loopback (the OS picks it; it is released before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** PostgreSQL refuses to run as root: run its binaries as the "postgres" user then. */
function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const [uid, gid] = execFileSync('sh', ['-c', 'id -u postgres && id -g postgres'])
    .toString()
    .trim()
    .split('\n')
    .map(Number);
  return { uid, gid };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A throw-away PostgreSQL server of its own (initdb into a temp directory, loopback only, on a
 * spare port), for fault tests and the soak run: it can be stopped and started again without
 * touching the shared server.
 */
export class LocalPostgres {
  private server?: ChildProcess;
  private log = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** postgresql:// URL of database `name` on this server (trust authentication, user postgres). */
  url(name: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${name}`;
  }

  static async create(): Promise<LocalPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'ddnn-pg-'));
    chmodSync(dir, 0o777);
    const data = join(dir, 'data');
    execFileSync(
      join(PG_BIN, 'initdb'),
      ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'],
      { stdio: 'ignore', ...serverUser() },
    );
    const pg = new LocalPostgres(await freePort(), dir);
    await pg.start();
    return pg;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const args = [
      '-D',
      join(this.dir, 'data'),
      '-p',
      String(this.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${this.dir}`,
      '-c',
      'fsync=off',
      '-c',
      'max_connections=200',
    ];
    const child = spawn(join(PG_BIN, 'postgres'), args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...serverUser(),
    });
    child.stderr!.on('data', (chunk) => (this.log = (this.log + chunk).slice(-4000)));
    this.server = child;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        execFileSync(join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(this.port)], {
          stdio: 'ignore',
        });
        return;
      } catch {
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`PostgreSQL did not start on port ${this.port}:\n${this.log}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /**
   * Stops the server: "fast" (SIGINT: clients are disconnected, as in a restart) or "crash"
   * (SIGKILL of the postmaster, as in a dead machine; the next start recovers).
   */
  async stop(mode: 'fast' | 'crash' = 'fast'): Promise<void> {
    const child = this.server;
    if (!child) return;
    this.server = undefined;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null && child.signalCode === null) {
      // The postmaster's own children (backends), so a crash can wait until they are gone too.
      let backends: number[] = [];
      try {
        backends = execFileSync('pgrep', ['-P', String(child.pid)])
          .toString()
          .trim()
          .split('\n')
          .map(Number)
          .filter((pid) => pid > 0);
      } catch {
        // no children
      }
      child.kill(mode === 'crash' ? 'SIGKILL' : 'SIGINT');
      await exited;
      // Backends of a killed postmaster exit on their own; a new one cannot start before.
      for (let i = 0; i < 100 && backends.some(isAlive); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async destroy(): Promise<void> {
    await this.stop('fast');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
