import type { LoadedVersion } from './loaded-version';
import { DynamicBatcher } from './dynamic-batcher';
import type { SampleAnswer } from './oip-response';
import type { DecodedRequest, FeaturesRequest, ViewsRequest } from './request-decoding';
import { runFeatures, runViews } from './inference-execution';

export interface BatchingOptions {
  maxBatch: number;
  maxDelayMs: number;
  onQueueWait: (seconds: number, loaded: LoadedVersion) => void;
  onBatch: (
    loaded: LoadedVersion,
    samples: number,
    computeSeconds: number,
    requests: number,
  ) => void;
}

type Batcher = DynamicBatcher<DecodedRequest, SampleAnswer[]>;

/**
 * One dynamic batcher per version, mode and set of present devices (requests that can share one
 * model call). A batch runs on the version its requests retained.
 */
export class InferenceBatchers {
  /** Keyed by the loaded instance: a batch runs on the very object its requests retained. */
  private readonly batchers = new Map<LoadedVersion, Map<string, Batcher>>();

  constructor(private readonly options: BatchingOptions) {}

  submit(loaded: LoadedVersion, request: DecodedRequest): Promise<SampleAnswer[]> {
    return this.batcherFor(loaded, request).submit(request);
  }

  /** Forgets a version's batchers (evicted); batches already queued still run. */
  dropVersion(versionId: string): void {
    for (const loaded of [...this.batchers.keys()]) {
      if (loaded.versionId === versionId) this.batchers.delete(loaded);
    }
  }

  private batcherFor(loaded: LoadedVersion, request: DecodedRequest): Batcher {
    const key = request.mode === 'features' ? `features:${request.presentKey}` : 'views';
    let byKey = this.batchers.get(loaded);
    if (!byKey) {
      byKey = new Map();
      this.batchers.set(loaded, byKey);
    }
    let batcher = byKey.get(key);
    if (!batcher) {
      batcher = this.createBatcher(loaded, request.mode);
      byKey.set(key, batcher);
    }
    return batcher;
  }

  private createBatcher(loaded: LoadedVersion, mode: DecodedRequest['mode']): Batcher {
    const { maxBatch, maxDelayMs, onQueueWait, onBatch } = this.options;
    return new DynamicBatcher<DecodedRequest, SampleAnswer[]>(
      { maxBatch, maxDelayMs, onQueueWait: (seconds) => onQueueWait(seconds, loaded) },
      (r) => r.numSamples,
      (items) => {
        const started = process.hrtime.bigint();
        const total = items.reduce((sum, r) => sum + r.numSamples, 0);
        const answers =
          mode === 'views'
            ? runViews(loaded, items as ViewsRequest[], total)
            : runFeatures(loaded, items as FeaturesRequest[], total);
        onBatch(loaded, total, Number(process.hrtime.bigint() - started) / 1e9, items.length);
        const out: SampleAnswer[][] = [];
        let offset = 0;
        for (const item of items) {
          out.push(answers.slice(offset, offset + item.numSamples));
          offset += item.numSamples;
        }
        return out;
      },
    );
  }
}
