import type { MetricsService } from '../metrics/metrics.service';

interface Observer {
  observe(value: number): void;
}
interface Incrementer {
  inc(): void;
}

/** The series of one served version. */
export interface VersionSeries {
  ok: Incrementer;
  error: Incrementer;
  latency: Observer;
  batchSize: Observer;
}

/** Versions whose series stay bound; past it the map starts over (series are kept by prom-client). */
const MAX_BOUND_VERSIONS = 1024;

/**
 * The inference metrics of MetricsService with their label values bound: the four stages of
 * ddnn_inference_stage_duration_seconds (decode, queue_wait, compute, encode), each with one
 * observer that InferenceService calls in one place, and, per served version, the request
 * counter, latency and batch size. Same series, same values as observing with labels. (Not a
 * speed-up: prom-client 15's bound children still hash their labels on every call; the label
 * objects per request are what is saved.)
 */
export class InferenceMetrics {
  readonly decode: Observer;
  readonly queueWait: Observer;
  readonly compute: Observer;
  readonly encode: Observer;
  private readonly versions = new Map<string, VersionSeries>();

  constructor(private readonly metrics: MetricsService) {
    const stage = (name: string) => metrics.inferenceStage.labels({ stage: name });
    this.decode = stage('decode');
    this.queueWait = stage('queue_wait');
    this.compute = stage('compute');
    this.encode = stage('encode');
  }

  version(model: string, version: string): VersionSeries {
    const key = `${model}\u0000${version}`;
    let series = this.versions.get(key);
    if (!series) {
      const labels = { model, version };
      series = {
        ok: this.metrics.inferenceRequests.labels({ ...labels, outcome: 'ok' }),
        error: this.metrics.inferenceRequests.labels({ ...labels, outcome: 'error' }),
        latency: this.metrics.inferenceLatency.labels(labels),
        batchSize: this.metrics.batchSize.labels(labels),
      };
      if (this.versions.size >= MAX_BOUND_VERSIONS) this.versions.clear();
      this.versions.set(key, series);
    }
    return series;
  }
}
