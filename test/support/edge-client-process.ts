import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuiltFor } from './ensure-built';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'apps/edge-client/bin/edge-client.js');

/** The edge client runs from dist/ as a real process: compile first when the sources are newer. */
export function ensureEdgeClientBuilt(): void {
  ensureBuiltFor(
    [
      'apps/edge-client/src',
      'libs/device-runtime/src',
      'libs/partition-format/src',
      'libs/model-spec/src',
      'libs/datasets/src',
    ],
    'dist/apps/edge-client/src/main.js',
  );
}

export interface EdgeEvent {
  event: string;
  [field: string]: unknown;
}

/** One `edge-client` process: its output, its --json events, and its exit. */
export class EdgeClientProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number>;
  private readonly child;

  constructor(args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (c) => (this.stdout += c));
    this.child.stderr.on('data', (c) => (this.stderr += c));
    // 'close', not 'exit': only then has all of its stdout and stderr been read.
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code ?? -1)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  events(): EdgeEvent[] {
    return this.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as EdgeEvent);
  }

  async waitForEvent(
    name: string,
    timeoutMs: number,
    match: (e: EdgeEvent) => boolean = () => true,
  ): Promise<EdgeEvent> {
    const deadline = Date.now() + timeoutMs;
    let done = false;
    void this.exited.then(() => (done = true));
    for (;;) {
      const found = this.events().find((e) => e.event === name && match(e));
      if (found) return found;
      if (done || Date.now() > deadline) {
        throw new Error(`no "${name}" event from edge-client:\n${this.stdout}\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null) this.child.kill(signal);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/**
 * Runs one edge-client command to its end. A command still running after `timeoutMs` is
 * killed (exit code -1), so a hanging command fails its test instead of outliving it.
 */
export async function edgeClient(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 90_000,
) {
  const p = new EdgeClientProcess(args, env);
  const timer = setTimeout(() => p.kill(), timeoutMs);
  const code = await p.exited.finally(() => clearTimeout(timer));
  return { code, stdout: p.stdout, stderr: p.stderr, events: p.events() };
}
