import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** dist/ whether this file runs compiled (dist/scripts/support) or from source (jest). */
const ROOT = join(__dirname, '..', '..');
const DIST = basename(ROOT) === 'dist' ? ROOT : join(ROOT, 'dist');

const ENTRY = {
  api: { script: 'apps/api/src/main.js', ready: 'api listening' },
  worker: { script: 'apps/worker/src/main.js', ready: 'worker ready' },
} as const;

export type PlatformProcessKind = keyof typeof ENTRY;

/**
 * One API or worker process run from dist/ (as in production), in its own process group so that
 * killing it takes its sandboxed children too. Keeps the tail of its output for diagnostics.
 */
export class PlatformProcess {
  private log = '';
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly kind: PlatformProcessKind,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => (this.log = (this.log + chunk.toString()).slice(-64_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(
    kind: PlatformProcessKind,
    env: Record<string, string>,
    timeoutMs = 120_000,
  ): Promise<PlatformProcess> {
    const child = spawn(process.execPath, [join(DIST, ENTRY[kind].script)], {
      env: { ...process.env, ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = new PlatformProcess(kind, child);
    await started.waitForOutput(ENTRY[kind].ready, timeoutMs);
    return started;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.log;
  }

  exitCode(): Promise<number | null> {
    return this.exited;
  }

  async waitForOutput(text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.log.includes(text)) {
      if (!this.alive) {
        throw new Error(
          `${this.kind} exited (${this.child.exitCode}) before "${text}":\n${this.log}`,
        );
      }
      if (Date.now() > deadline)
        throw new Error(`${this.kind}: no "${text}" in time:\n${this.log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Resident memory of the process itself, bytes (Linux /proc). */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status);
    return kb ? Number(kb[1]) * 1024 : 0;
  }

  /** Kills the whole process group (SIGKILL: a dead machine; SIGTERM: an orderly stop). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.alive) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-this.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}
