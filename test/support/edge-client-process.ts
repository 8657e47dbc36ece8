import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'apps/edge-client/bin/edge-client.js');
const MARKER = join(ROOT, 'dist/apps/edge-client/src/main.js');
const SOURCES = [
  'apps/edge-client/src',
  'libs/device-runtime/src',
  'libs/partition-format/src',
  'libs/datasets/src',
];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The edge client runs from dist/ as a real process: compile first when the sources are newer. */
export function ensureEdgeClientBuilt(): void {
  const built = existsSync(MARKER) ? statSync(MARKER).mtimeMs : 0;
  const newest = Math.max(...SOURCES.map((dir) => newestMtime(join(ROOT, dir))));
  if (built >= newest) return;
  execFileSync(
    'flock',
    [
      '/tmp/ddnn-build.lock',
      'sh',
      '-c',
      'npx tsc -p tsconfig.build.json; npx tsc-alias -p tsconfig.build.json && touch dist/apps/edge-client/src/main.js',
    ],
    { cwd: ROOT, stdio: 'ignore', timeout: 300_000 },
  );
  if (!existsSync(MARKER))
    throw new Error('the build did not produce dist/apps/edge-client/src/main.js');
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
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code ?? -1)));
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

/** Runs one edge-client command to its end. */
export async function edgeClient(args: string[], env: Record<string, string> = {}) {
  const p = new EdgeClientProcess(args, env);
  const code = await p.exited;
  return { code, stdout: p.stdout, stderr: p.stderr, events: p.events() };
}
