import { ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './local-postgres';

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A throw-away Redis of its own (loopback, spare port, nothing persisted), for fault tests and
 * the soak run: stopped and started again on the same port without touching the shared one.
 */
export class LocalRedis {
  private server?: ChildProcess;
  private log = '';

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async create(): Promise<LocalRedis> {
    const redis = new LocalRedis(await freePort());
    await redis.start();
    return redis;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        // BullMQ needs keys to stay (never evicted).
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (chunk) => (this.log = (this.log + chunk).slice(-4000)));
    child.stderr!.on('data', (chunk) => (this.log = (this.log + chunk).slice(-4000)));
    this.server = child;
    const deadline = Date.now() + 10_000;
    while (!(await reachable(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`Redis did not start on port ${this.port}:\n${this.log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops it (SIGKILL: everything in it is lost, as in a crash without persistence). */
  async stop(): Promise<void> {
    const child = this.server;
    if (!child) return;
    this.server = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
