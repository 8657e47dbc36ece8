import {
  DdnnConfig,
  DdnnModel,
  deserializeModel,
  deviceFeatureBytes,
  deviceFeatureShape,
} from '@ddnn/engine';

/** A model version ready to serve: the deserialized network plus what requests are checked against. */
export class LoadedVersion {
  readonly featureBytesPerDevice: number;
  readonly featureValuesPerDevice: number;
  private users = 0;
  private evicted = false;

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

  /** Runs fn with the model kept alive even if the cache evicts it meanwhile. */
  use<T>(fn: (model: DdnnModel) => T): T {
    this.users++;
    try {
      return fn(this.model);
    } finally {
      this.users--;
      if (this.evicted && this.users === 0) this.model.dispose();
    }
  }

  evict(): void {
    this.evicted = true;
    if (this.users === 0) this.model.dispose();
  }
}
