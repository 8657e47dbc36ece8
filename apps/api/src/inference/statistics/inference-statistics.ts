import { Injectable } from '@nestjs/common';

/** Triton's `$duration_stat`: how many, and their cumulative duration in nanoseconds. */
export interface DurationStat {
  count: number;
  ns: number;
}

/** Triton's `$model_stat` (statistics extension), for one model version. */
export interface ModelStat {
  name: string;
  version: string;
  last_inference: number;
  inference_count: number;
  execution_count: number;
  inference_stats: {
    success: DurationStat;
    fail: DurationStat;
    queue: DurationStat;
    compute_input: DurationStat;
    compute_infer: DurationStat;
    compute_output: DurationStat;
    cache_hit: DurationStat;
    cache_miss: DurationStat;
  };
  response_stats: Record<string, never>;
  batch_stats: {
    batch_size: number;
    compute_input: DurationStat;
    compute_infer: DurationStat;
    compute_output: DurationStat;
  }[];
  memory_usage: never[];
}

const zero = (): DurationStat => ({ count: 0, ns: 0 });
const nanos = (seconds: number) => Math.round(seconds * 1e9);

/** Counters of one version; plain numbers so a record call is a few additions. */
class VersionCounters {
  lastInference = 0;
  inferences = 0;
  executions = 0;
  readonly success = zero();
  readonly fail = zero();
  readonly queue = zero();
  readonly computeInput = zero();
  readonly computeInfer = zero();
  readonly computeOutput = zero();
  /** compute_infer per executed batch size (samples in one model call). */
  readonly batches = new Map<number, DurationStat>();

  constructor(
    readonly name: string,
    readonly version: number,
  ) {}
}

/**
 * Triton's statistics extension (GET /v2/models[/{m}[/versions/{v}]]/stats, gRPC
 * ModelStatistics): per model version since this process started. Recorded where the
 * `inferenceStage` histogram is observed, one call per point:
 * - compute_input: decoding a request's tensors (per request);
 * - queue: a request's wait in the dynamic batcher (per request, per batch it is split into);
 * - compute_infer: a batch's model call, counted for each request in the batch (as Triton does)
 *   and once per execution in batch_stats under its batch size (samples);
 * - compute_output: building a request's outputs (per request);
 * - success / fail: a request's whole time, once the version was resolved (an unknown model or
 *   version has no statistics to count in); inference_count adds a successful request's
 *   samples, execution_count each model call.
 * With API_PROCESSES > 1 every process counts (and answers) its own requests.
 */
@Injectable()
export class InferenceStatistics {
  private readonly byVersion = new Map<string, VersionCounters>();

  computeInput(versionId: string, name: string, version: number, seconds: number): void {
    const c = this.counters(versionId, name, version).computeInput;
    c.count++;
    c.ns += nanos(seconds);
  }

  queued(versionId: string, name: string, version: number, seconds: number): void {
    const c = this.counters(versionId, name, version).queue;
    c.count++;
    c.ns += nanos(seconds);
  }

  /** One model call of `samples` samples serving `requests` requests. */
  executed(
    versionId: string,
    name: string,
    version: number,
    samples: number,
    requests: number,
    seconds: number,
  ): void {
    const counters = this.counters(versionId, name, version);
    const ns = nanos(seconds);
    counters.executions++;
    counters.computeInfer.count += requests;
    counters.computeInfer.ns += ns * requests;
    let batch = counters.batches.get(samples);
    if (!batch) counters.batches.set(samples, (batch = zero()));
    batch.count++;
    batch.ns += ns;
  }

  computeOutput(versionId: string, name: string, version: number, seconds: number): void {
    const c = this.counters(versionId, name, version).computeOutput;
    c.count++;
    c.ns += nanos(seconds);
  }

  /** The end of a request: succeeded with `samples` inferences, or failed (samples ignored). */
  finished(
    versionId: string,
    name: string,
    version: number,
    ok: boolean,
    samples: number,
    seconds: number,
  ): void {
    const counters = this.counters(versionId, name, version);
    const c = ok ? counters.success : counters.fail;
    c.count++;
    c.ns += nanos(seconds);
    if (ok) counters.inferences += samples;
    counters.lastInference = Date.now();
  }

  /**
   * Statistics of every version with activity, or of one model's, or of one version (zeros
   * when it has none yet), sorted by model name and version.
   */
  report(filter?: { name: string; version?: number }): ModelStat[] {
    const found = [...this.byVersion.values()]
      .filter(
        (c) =>
          !filter ||
          (c.name === filter.name &&
            (filter.version === undefined || c.version === filter.version)),
      )
      .sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version);
    return found.map(toModelStat);
  }

  /** A version's statistics, zeros if it served nothing in this process yet. */
  reportVersion(name: string, version: number): ModelStat {
    return this.report({ name, version })[0] ?? toModelStat(new VersionCounters(name, version));
  }

  private counters(versionId: string, name: string, version: number): VersionCounters {
    let counters = this.byVersion.get(versionId);
    if (!counters) {
      counters = new VersionCounters(name, version);
      this.byVersion.set(versionId, counters);
    }
    return counters;
  }
}

function toModelStat(c: VersionCounters): ModelStat {
  return {
    name: c.name,
    version: String(c.version),
    last_inference: c.lastInference,
    inference_count: c.inferences,
    execution_count: c.executions,
    inference_stats: {
      success: { ...c.success },
      fail: { ...c.fail },
      queue: { ...c.queue },
      compute_input: { ...c.computeInput },
      compute_infer: { ...c.computeInfer },
      compute_output: { ...c.computeOutput },
      // no response cache here: a cache is never hit nor missed
      cache_hit: zero(),
      cache_miss: zero(),
    },
    response_stats: {},
    batch_stats: [...c.batches.entries()]
      .sort(([a], [b]) => a - b)
      .map(([batchSize, infer]) => ({
        batch_size: batchSize,
        // only the model call is timed per batch; decoding and encoding are per request
        compute_input: zero(),
        compute_infer: { ...infer },
        compute_output: zero(),
      })),
    memory_usage: [],
  };
}
