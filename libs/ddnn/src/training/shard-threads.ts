import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Worker, type TransferListItem } from 'node:worker_threads';
import type { ShardReply, ShardRequest } from './shard-protocol';

/**
 * worker_threads start from a JavaScript file. Compiled code finds shard-worker.js next to
 * itself; code run from TypeScript sources (jest) uses the compiled copy under dist/ (built by
 * `npm run build`).
 */
export function shardWorkerFile(): string {
  const here = __dirname;
  if (__filename.endsWith('.js')) return join(here, 'shard-worker.js');
  let root = here;
  while (!existsSync(join(root, 'package.json'))) root = dirname(root);
  const compiled = join(root, 'dist', relative(root, here), 'shard-worker.js');
  if (!existsSync(compiled)) {
    throw new Error(
      `${compiled} is missing: run \`npm run build\` first (training threads run compiled code)`,
    );
  }
  return compiled;
}

/** One training thread; one request in flight at a time. */
export class ShardThread {
  private pending: { resolve: (r: ShardReply) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(private readonly worker: Worker) {
    worker.on('message', (reply: ShardReply) => {
      const pending = this.pending;
      this.pending = null;
      this.worker.unref();
      if (!pending) return;
      if (reply.type === 'error') pending.reject(new Error(`training thread: ${reply.message}`));
      else pending.resolve(reply);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the training thread exited (code ${code})`)));
    worker.unref();
  }

  static spawn(): ShardThread {
    return new ShardThread(new Worker(shardWorkerFile()));
  }

  get broken(): boolean {
    return this.failure !== null;
  }

  call(request: ShardRequest, transfer: TransferListItem[] = []): Promise<ShardReply> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error('the training thread is busy'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      // referenced while it works, so the process waits for the reply
      this.worker.ref();
      this.worker.postMessage(request, transfer);
    });
  }

  async terminate(): Promise<void> {
    this.failure ??= new Error('the training thread was stopped');
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }
}

/**
 * Idle training threads kept for the next run in this process (starting one costs ~0.3 s:
 * tfjs and its WASM module). They do not keep the process alive.
 */
const idle: ShardThread[] = [];

export function acquireShardThreads(count: number): ShardThread[] {
  const threads: ShardThread[] = [];
  while (threads.length < count && idle.length > 0) {
    const thread = idle.pop()!;
    if (!thread.broken) threads.push(thread);
  }
  while (threads.length < count) threads.push(ShardThread.spawn());
  return threads;
}

/** Returns threads to the idle set after dropping their run's model and data. */
export async function releaseShardThreads(threads: ShardThread[]): Promise<void> {
  await Promise.all(
    threads.map(async (thread) => {
      try {
        await thread.call({ type: 'reset' });
        idle.push(thread);
      } catch {
        await thread.terminate();
      }
    }),
  );
}
