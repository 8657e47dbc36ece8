import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { decodeBinaryBody, type PlatformConfig } from '@ddnn/contracts';
import { initEngineBackend } from '@ddnn/engine';
import { ModelRegistryRepository } from '@ddnn/persistence';
import { PLATFORM_CONFIG } from '../common/platform-config.token';
import { parseInput } from '../common/zod-validation';
import { MetricsService } from '../metrics/metrics.service';
import { ModelChanges } from '../models/model-changes';
import { ModelsService, VersionRecord } from '../models/models.service';
import { InferenceBatchers } from './inference-batchers';
import { InferenceMetrics } from './inference-metrics';
import { LoadedVersion } from './loaded-version';
import { ModelCache } from './model-cache';
import { versionMetadata } from './model-metadata';
import { InferResponse, inferRequestSchema, isWellFormedInferRequest } from './oip-protocol';
import { InferenceStatistics } from './statistics/inference-statistics';
import { checkWantedOutputs, outputTensors, SampleAnswer } from './oip-response';
import { checkSampleLimit, splitRequest } from './request-batches';
import { decodeRequest } from './request-decoding';
import { VersionResolutionCache } from './version-resolution-cache';

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Open Inference Protocol v2 over the model registry. The jobs live in their own files:
 * version resolution (version-resolution-cache.ts), loaded versions (model-cache.ts,
 * loaded-version.ts), request decoding and limits (request-decoding.ts, request-batches.ts),
 * batching (inference-batchers.ts), execution (inference-execution.ts) and the OIP answer
 * (oip-response.ts); this service runs a request through them and measures each stage.
 */
@Injectable()
export class InferenceService implements OnModuleInit, OnModuleDestroy {
  private readonly cache: ModelCache;
  private readonly batchers: InferenceBatchers;
  private readonly resolutions: VersionResolutionCache<VersionRecord>;
  private readonly stages: InferenceMetrics;
  private backend?: Promise<string>;

  constructor(
    private readonly registry: ModelRegistryRepository,
    private readonly models: ModelsService,
    metrics: MetricsService,
    private readonly statistics: InferenceStatistics,
    changes: ModelChanges,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    const stages = new InferenceMetrics(metrics);
    this.stages = stages;
    this.batchers = new InferenceBatchers({
      maxBatch: config.INFERENCE_MAX_BATCH,
      maxDelayMs: config.INFERENCE_MAX_DELAY_MS,
      onQueueWait: (s, loaded) => {
        stages.queueWait.observe(s);
        statistics.queued(loaded.versionId, loaded.modelName, loaded.version, s);
      },
      onBatch: (loaded, samples, computeSeconds, requests) => {
        stages.version(loaded.modelName, String(loaded.version)).batchSize.observe(samples);
        stages.compute.observe(computeSeconds);
        statistics.executed(
          loaded.versionId,
          loaded.modelName,
          loaded.version,
          samples,
          requests,
          computeSeconds,
        );
      },
    });
    this.cache = new ModelCache(config.MODEL_CACHE_SIZE, (versionId) =>
      this.batchers.dropVersion(versionId),
    );
    // resolutions of a few thousand model/ref pairs at most: a hostile client cannot grow it
    this.resolutions = new VersionResolutionCache(config.INFERENCE_RESOLVE_TTL_MS, 4096);
    changes.onChange((modelName) => this.resolutions.invalidateModel(modelName));
  }

  onModuleInit(): void {
    this.backend = initEngineBackend(this.config.ENGINE_BACKEND);
  }

  onModuleDestroy(): void {
    this.cache.clear();
  }

  cachedVersionIds(): string[] {
    return this.cache.keys();
  }

  resolve(modelName: string, ref?: string): Promise<VersionRecord> {
    return this.resolutions.resolve(modelName, ref, () =>
      ref === undefined
        ? this.models.latestVersion(modelName)
        : this.models.resolveVersion(modelName, ref),
    );
  }

  async metadata(modelName: string, ref?: string) {
    const version = await this.resolve(modelName, ref);
    const versions = await this.registry.versionNumbers(version.modelId);
    return this.withVersion(modelName, version, (loaded) =>
      versionMetadata(modelName, version, loaded, versions),
    );
  }

  async ready(
    modelName: string,
    ref?: string,
  ): Promise<{ name: string; version: string; ready: boolean }> {
    const version = await this.resolve(modelName, ref);
    return this.withVersion(modelName, version, () => ({
      name: modelName,
      version: String(version.version),
      ready: true,
    }));
  }

  async infer(
    modelName: string,
    ref: string | undefined,
    body: unknown,
    binaryHeaderLength?: string,
  ): Promise<InferResponse> {
    const started = process.hrtime.bigint();
    const json = Buffer.isBuffer(body) ? decodeBinaryBody(body, binaryHeaderLength) : body;
    const request = isWellFormedInferRequest(json)
      ? json
      : parseInput(inferRequestSchema, json, 'inference request');
    checkSampleLimit(request, this.config.INFERENCE_MAX_SAMPLES);
    const wanted = request.outputs?.map((o) => o.name);
    checkWantedOutputs(wanted);
    const version = await this.resolve(modelName, ref);
    const series = this.stages.version(modelName, String(version.version));
    let samples = -1; // set once the request succeeded
    try {
      const loaded = await this.acquire(modelName, version);
      try {
        const decodeStarted = process.hrtime.bigint();
        const decoded = decodeRequest(request, loaded);
        const decodeSeconds = seconds(decodeStarted);
        this.stages.decode.observe(decodeSeconds);
        this.statistics.computeInput(version.id, modelName, version.version, decodeSeconds);
        const maxBatch = this.config.INFERENCE_MAX_BATCH;
        const perSample =
          decoded.mode === 'views'
            ? decoded.pixels.length / decoded.numSamples
            : loaded.featureBytesPerDevice;
        const chunks = splitRequest(decoded, maxBatch, perSample);
        let answers: SampleAnswer[] = [];
        for (const chunk of chunks) {
          // a large request runs batch by batch, the event loop answering others in between
          if (chunks.length > 1 && chunk !== chunks[0]) await nextTurn();
          const part = await this.batchers.submit(loaded, chunk);
          answers = chunks.length === 1 ? part : answers.concat(part);
        }
        const encodeStarted = process.hrtime.bigint();
        const response: InferResponse = {
          model_name: modelName,
          model_version: String(version.version),
          ...(request.id !== undefined ? { id: request.id } : {}),
          outputs: outputTensors(answers, loaded.config.numClasses, wanted),
        };
        const encodeSeconds = seconds(encodeStarted);
        this.stages.encode.observe(encodeSeconds);
        this.statistics.computeOutput(version.id, modelName, version.version, encodeSeconds);
        series.ok.inc();
        samples = decoded.numSamples;
        return response;
      } finally {
        loaded.release();
      }
    } catch (error) {
      series.error.inc();
      throw error;
    } finally {
      const total = seconds(started);
      series.latency.observe(total);
      this.statistics.finished(
        version.id,
        modelName,
        version.version,
        samples >= 0,
        samples,
        total,
      );
    }
  }

  /** Runs fn with the version loaded and retained (eviction waits for it). */
  private async withVersion<T>(
    modelName: string,
    version: VersionRecord,
    fn: (loaded: LoadedVersion) => T,
  ): Promise<T> {
    const loaded = await this.acquire(modelName, version);
    try {
      return fn(loaded);
    } finally {
      loaded.release();
    }
  }

  private acquire(modelName: string, version: VersionRecord): Promise<LoadedVersion> {
    return this.cache.acquire(version.id, async () => {
      await this.backend;
      const { weights, classNames } = await this.registry.versionWeights(version.id);
      return LoadedVersion.fromWeights(version, modelName, classNames, weights);
    });
  }
}
