import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isClusterWorker } from '../api-cluster';
import { ClusterMetricsClient } from './cluster-metrics';

/**
 * The API's Prometheus registries (one set per app instance, so tests can start several apps):
 * `registry` counts what this process serves (summed over processes in a cluster), `scrapeTime`
 * holds gauges read from shared state when scraped (queue depth, jobs by status).
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly scrapeTime = new Registry();
  private readonly cluster = isClusterWorker()
    ? new ClusterMetricsClient(this.registry)
    : undefined;

  readonly httpRequests = new Counter({
    name: 'ddnn_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly grpcRequests = new Counter({
    name: 'ddnn_grpc_requests_total',
    help: 'Open Inference Protocol gRPC calls by method and gRPC status code',
    labelNames: ['method', 'code'] as const,
    registers: [this.registry],
  });

  readonly inferenceRequests = new Counter({
    name: 'ddnn_inference_requests_total',
    help: 'Inference requests by model, version and outcome',
    labelNames: ['model', 'version', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly inferenceLatency = new Histogram({
    name: 'ddnn_inference_request_duration_seconds',
    help: 'Inference request latency by model and version',
    labelNames: ['model', 'version'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /**
   * Where an inference request's time goes: decode (body to validated tensors), queue_wait
   * (waiting for its batch), compute (the batch's model run, observed once per batch) and
   * encode (answers to OIP output tensors).
   */
  readonly inferenceStage = new Histogram({
    name: 'ddnn_inference_stage_duration_seconds',
    help: 'Inference time per stage: decode, queue_wait, compute (per batch), encode',
    labelNames: ['stage'] as const,
    buckets: [
      0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1, 0.25, 1,
    ],
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: 'ddnn_inference_batch_size',
    help: 'Samples per executed inference batch (dynamic batching)',
    labelNames: ['model', 'version'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: 'ddnn_training_queue_jobs',
    help: 'Training queue jobs by BullMQ state',
    labelNames: ['state'] as const,
    registers: [this.scrapeTime],
  });

  readonly trainingJobs = new Gauge({
    name: 'ddnn_training_jobs',
    help: 'Training jobs in the database by status',
    labelNames: ['status'] as const,
    registers: [this.scrapeTime],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ddnn_api_' });
    // prom-client's three "_total" gauges break the naming rules promtool checks ("_total" is for
    // counters); the same counts stay available, by type, in the gauges without the suffix.
    for (const kind of ['handles', 'requests', 'resources'])
      this.registry.removeSingleMetric(`ddnn_api_nodejs_active_${kind}_total`);
  }

  /** The exposition text: every API process's metrics (aggregated in a cluster), then the gauges. */
  async exposition(): Promise<string> {
    const served = this.cluster ? await this.cluster.metrics() : await this.registry.metrics();
    return `${served.trimEnd()}\n${await this.scrapeTime.metrics()}`;
  }
}
