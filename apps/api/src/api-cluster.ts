import cluster, { type Worker } from 'node:cluster';
import type { PlatformConfig } from '@ddnn/contracts';
import { serveClusterMetrics } from './metrics/cluster-metrics';

/** Set in the environment of the API processes a cluster primary forks. */
export const CLUSTER_WORKER_ENV = 'DDNN_API_CLUSTER_WORKER';

/**
 * API_PROCESSES > 1: this (primary) process forks that many API processes sharing the port
 * (Node cluster: the primary accepts connections and hands them out round robin), restarts one
 * that dies, and stops them on SIGTERM/SIGINT. Migrations ran once, here, before; only the first
 * process seeds the built-in datasets. Each process keeps its own model cache, resolution cache
 * (alias moves reach them all over Redis) and metrics registry; /metrics answers with all the
 * processes' metrics, aggregated here (cluster-metrics.ts).
 */
export async function runApiCluster(config: PlatformConfig): Promise<void> {
  const processes = config.API_PROCESSES;
  let stopping = false;
  let listening = 0;
  const fork = (first: boolean): Worker =>
    cluster.fork({
      [CLUSTER_WORKER_ENV]: '1',
      SEED_BUILTIN_DATASETS: first ? String(config.SEED_BUILTIN_DATASETS) : 'false',
    });
  cluster.on('listening', () => {
    listening++;
    if (listening === processes) {
      console.log(
        `api listening on http://${config.API_HOST}:${config.API_PORT} with ${processes} processes (docs /docs, GraphQL /graphql)`,
      );
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    console.error(`api process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork(false);
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  serveClusterMetrics();
  for (let i = 0; i < processes; i++) fork(i === 0);
}

export function isClusterWorker(): boolean {
  return process.env[CLUSTER_WORKER_ENV] === '1';
}
