import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { PlatformConfig } from '@ddnn/contracts';
import {
  inferCloudFromFeatures,
  inferHierarchy,
  initEngineBackend,
  normalizedEntropy,
} from '@ddnn/engine';
import { PrismaService } from '@ddnn/persistence';
import { DomainError, ErrorCode } from '../common/domain-error';
import { PLATFORM_CONFIG } from '../common/platform-config.token';
import { parseInput } from '../common/zod-validation';
import { MetricsService } from '../metrics/metrics.service';
import { ModelsService, VersionRecord } from '../models/models.service';
import { decodeBinaryBody } from './binary-tensor-data';
import { DynamicBatcher } from './dynamic-batcher';
import { LoadedVersion } from './loaded-version';
import { LruCache } from './lru-cache';
import { InferResponse, inferRequestSchema, OutputTensor, TensorMetadata } from './oip-protocol';
import {
  DecodedRequest,
  decodeRequest,
  FEATURES_INPUT,
  FeaturesRequest,
  PRESENT_INPUT,
  VIEWS_INPUT,
  ViewsRequest,
} from './request-decoding';

interface SampleAnswer {
  predictedClass: number;
  probabilities: number[];
  exitTier: string;
  entropy: number;
  commBytes: number;
}

/** Open Inference Protocol v2 over the model registry: version resolution, LRU cache, batching. */
@Injectable()
export class InferenceService implements OnModuleInit, OnModuleDestroy {
  private readonly cache: LruCache<string, Promise<LoadedVersion>>;
  private readonly batchers = new Map<string, DynamicBatcher<DecodedRequest, SampleAnswer[]>>();
  private backend?: Promise<string>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly models: ModelsService,
    private readonly metrics: MetricsService,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    this.cache = new LruCache(config.MODEL_CACHE_SIZE, (versionId, loaded) => {
      for (const key of [...this.batchers.keys()])
        if (key.startsWith(versionId)) this.batchers.delete(key);
      void loaded.then((l) => l.evict()).catch(() => undefined);
    });
  }

  onModuleInit(): void {
    this.backend = initEngineBackend(this.config.ENGINE_BACKEND);
  }

  onModuleDestroy(): void {
    for (const key of this.cache.keys()) this.cache.delete(key);
  }

  cachedVersionIds(): string[] {
    return this.cache.keys();
  }

  async resolve(modelName: string, ref?: string): Promise<VersionRecord> {
    return ref === undefined
      ? this.models.latestVersion(modelName)
      : this.models.resolveVersion(modelName, ref);
  }

  async metadata(modelName: string, ref?: string) {
    const version = await this.resolve(modelName, ref);
    const loaded = await this.load(modelName, version);
    const versions = await this.prisma.client.modelVersion.findMany({
      where: { modelId: version.modelId },
      select: { version: true },
      orderBy: { version: 'asc' },
    });
    const config = loaded.config;
    const V = config.numDevices;
    const [H, W, C] = config.inputShape;
    // Only the inputs a generic client sends together (tritonclient, perf_analyzer send every
    // input listed): the views. The cloud tier's own input is an alternative, described in
    // parameters (strings, as the protocol's $parameters values are scalars).
    const inputs: TensorMetadata[] = [
      { name: VIEWS_INPUT, datatype: 'FP32', shape: [-1, V, H, W, C] },
    ];
    const alternative = config.device.binary
      ? `instead of "${VIEWS_INPUT}": "${FEATURES_INPUT}" UINT8 [-1, ${V}, ${loaded.featureBytesPerDevice}] ` +
        `(bit-packed device feature maps, HWC, MSB first; answered by the cloud tier) with an optional ` +
        `"${PRESENT_INPUT}" BOOL [${V}] (false = device absent)`
      : 'none: this model has no binary device tier, so only the views are accepted';
    const outputs: TensorMetadata[] = [
      { name: 'class', datatype: 'INT32', shape: [-1] },
      { name: 'probabilities', datatype: 'FP32', shape: [-1, config.numClasses] },
      { name: 'exit_tier', datatype: 'BYTES', shape: [-1] },
      { name: 'entropy', datatype: 'FP32', shape: [-1] },
      { name: 'comm_bytes', datatype: 'INT32', shape: [-1] },
    ];
    return {
      name: modelName,
      versions: versions.map((v) => String(v.version)),
      platform: 'ddnn_tfjs',
      inputs,
      outputs,
      parameters: {
        version: String(version.version),
        threshold: version.threshold,
        class_names: loaded.classNames,
        alternative_inputs: alternative,
      },
    };
  }

  async ready(
    modelName: string,
    ref?: string,
  ): Promise<{ name: string; version: string; ready: boolean }> {
    const version = await this.resolve(modelName, ref);
    await this.load(modelName, version);
    return { name: modelName, version: String(version.version), ready: true };
  }

  async infer(
    modelName: string,
    ref: string | undefined,
    body: unknown,
    binaryHeaderLength?: string,
  ): Promise<InferResponse> {
    const started = process.hrtime.bigint();
    const json = Buffer.isBuffer(body) ? decodeBinaryBody(body, binaryHeaderLength) : body;
    const request = parseInput(inferRequestSchema, json, 'inference request');
    const version = await this.resolve(modelName, ref);
    const labels = { model: modelName, version: String(version.version) };
    try {
      const loaded = await this.load(modelName, version);
      const decoded = decodeRequest(request, loaded);
      const answers = await this.batcherFor(loaded, decoded).submit(decoded);
      this.metrics.inferenceRequests.inc({ ...labels, outcome: 'ok' });
      return {
        model_name: modelName,
        model_version: String(version.version),
        ...(request.id !== undefined ? { id: request.id } : {}),
        outputs: this.outputs(
          answers,
          loaded.config.numClasses,
          request.outputs?.map((o) => o.name),
        ),
      };
    } catch (error) {
      this.metrics.inferenceRequests.inc({ ...labels, outcome: 'error' });
      throw error;
    } finally {
      this.metrics.inferenceLatency.observe(
        labels,
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
  }

  private outputs(answers: SampleAnswer[], classes: number, wanted?: string[]): OutputTensor[] {
    const n = answers.length;
    const all: OutputTensor[] = [
      { name: 'class', datatype: 'INT32', shape: [n], data: answers.map((a) => a.predictedClass) },
      {
        name: 'probabilities',
        datatype: 'FP32',
        shape: [n, classes],
        data: answers.flatMap((a) => a.probabilities),
      },
      { name: 'exit_tier', datatype: 'BYTES', shape: [n], data: answers.map((a) => a.exitTier) },
      { name: 'entropy', datatype: 'FP32', shape: [n], data: answers.map((a) => a.entropy) },
      { name: 'comm_bytes', datatype: 'INT32', shape: [n], data: answers.map((a) => a.commBytes) },
    ];
    if (!wanted) return all;
    const unknown = wanted.filter((w) => !all.some((o) => o.name === w));
    if (unknown.length) {
      throw new DomainError(
        ErrorCode.InvalidInferenceRequest,
        `unknown outputs [${unknown.join(', ')}]: available are ${all.map((o) => o.name).join(', ')}`,
      );
    }
    return all.filter((o) => wanted.includes(o.name));
  }

  private load(modelName: string, version: VersionRecord): Promise<LoadedVersion> {
    const cached = this.cache.get(version.id);
    if (cached) return cached;
    const loading = (async () => {
      await this.backend;
      const row = await this.prisma.client.modelVersion.findUniqueOrThrow({
        where: { id: version.id },
        select: { weights: true, dataset: { select: { classNames: true } } },
      });
      return LoadedVersion.fromWeights(version, modelName, row.dataset.classNames, row.weights);
    })();
    this.cache.set(version.id, loading);
    loading.catch(() => this.cache.delete(version.id));
    return loading;
  }

  private batcherFor(
    loaded: LoadedVersion,
    request: DecodedRequest,
  ): DynamicBatcher<DecodedRequest, SampleAnswer[]> {
    const key = `${loaded.versionId}:${request.mode}:${request.mode === 'features' ? request.presentKey : ''}`;
    let batcher = this.batchers.get(key);
    if (!batcher) {
      const labels = { model: loaded.modelName, version: String(loaded.version) };
      batcher = new DynamicBatcher<DecodedRequest, SampleAnswer[]>(
        {
          maxBatch: this.config.INFERENCE_MAX_BATCH,
          maxDelayMs: this.config.INFERENCE_MAX_DELAY_MS,
        },
        (r) => r.numSamples,
        (items) => {
          const total = items.reduce((sum, r) => sum + r.numSamples, 0);
          this.metrics.batchSize.observe(labels, total);
          const answers =
            request.mode === 'views'
              ? this.runViews(loaded, items as ViewsRequest[], total)
              : this.runFeatures(loaded, items as FeaturesRequest[], total);
          const out: SampleAnswer[][] = [];
          let offset = 0;
          for (const item of items) {
            out.push(answers.slice(offset, offset + item.numSamples));
            offset += item.numSamples;
          }
          return out;
        },
      );
      this.batchers.set(key, batcher);
    }
    return batcher;
  }

  private runViews(loaded: LoadedVersion, items: ViewsRequest[], total: number): SampleAnswer[] {
    const config = loaded.config;
    const pixels = new Float32Array(items.reduce((sum, r) => sum + r.pixels.length, 0));
    let offset = 0;
    for (const item of items) {
      pixels.set(item.pixels, offset);
      offset += item.pixels.length;
    }
    const data = {
      numSamples: total,
      numViews: config.numDevices,
      viewShape: config.inputShape as [number, number, number],
      pixels,
      // Labels are unknown at inference; nothing in inference reads them.
      viewLabels: new Int32Array(total * config.numDevices),
      labels: new Int32Array(total),
    };
    return loaded.use((model) =>
      inferHierarchy(model, data, loaded.threshold).map((a) => ({
        predictedClass: a.predictedClass,
        probabilities: a.probabilities,
        exitTier: a.exitTier,
        entropy: a.entropy,
        commBytes: a.commBytesPerDevice,
      })),
    );
  }

  private runFeatures(
    loaded: LoadedVersion,
    items: FeaturesRequest[],
    total: number,
  ): SampleAnswer[] {
    const B = loaded.featureBytesPerDevice;
    const devices = items[0].features.map((first) => (first ? new Uint8Array(total * B) : null));
    let offset = 0;
    for (const item of items) {
      item.features.forEach((f, d) => devices[d]?.set(f!, offset * B));
      offset += item.numSamples;
    }
    const C = loaded.config.numClasses;
    return loaded.use((model) =>
      inferCloudFromFeatures(model, devices, total).map((a) => ({
        predictedClass: a.predictedClass,
        probabilities: a.probabilities,
        exitTier: 'cloud',
        entropy: normalizedEntropy(a.probabilities, 0, C),
        // What each device sent for this sample: its class scores and its packed feature map.
        commBytes: 4 * C + B,
      })),
    );
  }
}
