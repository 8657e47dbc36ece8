import { cloudUnsupportedReason, HierarchyRuntime } from '@ddnn/device-runtime';
import {
  cutPartitions,
  DdnnConfig,
  DdnnModel,
  deserializeModel,
  deviceFeatureBytes,
  deviceFeatureShape,
} from '@ddnn/engine';

/**
 * A model version ready to serve: the deserialized network plus what requests are checked
 * against. Reference counted: every request holds it from acquire to answer (retain/release), so
 * an eviction meanwhile only marks it, and its tensors are disposed after the last user is done.
 */
export class LoadedVersion {
  readonly featureBytesPerDevice: number;
  readonly featureValuesPerDevice: number;
  /**
   * The model on bit-packed runtimes (no tfjs) when its devices and cloud are binary: mode (a)
   * runs its cloud tier, mode (b) the whole hierarchy. Null otherwise (tfjs serves).
   */
  readonly packed: HierarchyRuntime | null;
  /** Why `packed` is null (for logs and metadata), or null. */
  readonly packedUnavailable: string | null;
  private users = 0;
  private evicted = false;
  private disposed = false;

  constructor(
    readonly versionId: string,
    readonly modelName: string,
    readonly version: number,
    readonly threshold: number,
    readonly classNames: string[],
    readonly model: DdnnModel,
  ) {
    const shape = deviceFeatureShape(model.config);
    this.featureValuesPerDevice = shape.height * shape.width * shape.channels;
    this.featureBytesPerDevice = deviceFeatureBytes(model.config);
    this.packedUnavailable = cloudUnsupportedReason(model.config);
    this.packed =
      this.packedUnavailable === null
        ? HierarchyRuntime.load(cutPartitions(model, { thresholds: { local: threshold } }))
        : null;
  }

  static fromWeights(
    row: { id: string; version: number; threshold: number },
    modelName: string,
    classNames: string[],
    weights: Uint8Array,
  ): LoadedVersion {
    return new LoadedVersion(
      row.id,
      modelName,
      row.version,
      row.threshold,
      classNames,
      deserializeModel(weights),
    );
  }

  get config(): DdnnConfig {
    return this.model.config;
  }

  /** Users holding it now (requests between acquire and answer). */
  get activeUsers(): number {
    return this.users;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Takes a reference; false when it was already disposed (the caller loads it again). */
  retain(): boolean {
    if (this.disposed) return false;
    this.users++;
    return true;
  }

  release(): void {
    if (this.users === 0) throw new Error(`version ${this.versionId} released more than retained`);
    this.users--;
    if (this.evicted && this.users === 0) this.dispose();
  }

  /** Out of the cache: disposed now if nobody uses it, else when the last user releases it. */
  evict(): void {
    this.evicted = true;
    if (this.users === 0) this.dispose();
  }

  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }
}
