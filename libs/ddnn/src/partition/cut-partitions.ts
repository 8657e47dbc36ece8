import {
  PARTITION_FORMAT_VERSION,
  PartitionArtifact,
  PartitionTensorSpec,
  encodePartition,
  packSigns,
  sha256Hex,
} from '@ddnn/partition-format';
import type { DdnnModel } from '../model/ddnn-model';
import type { ExitThresholds } from '@ddnn/model-spec';
import {
  isSignBitTensor,
  paramPrefix,
  partitionRefs,
  tierContract,
  tierIsBinary,
} from './partition-layout';

export interface CutOptions {
  classNames?: string[];
  thresholds: ExitThresholds;
}

export interface CutPartition extends PartitionArtifact {
  /** The encoded partition file. */
  bytes: Uint8Array;
}

/**
 * Cuts a trained model into separately loadable partitions: one per end device, the local
 * aggregator, the edge tier if any, and the cloud tier. Binary kernels are bit-packed.
 */
export function cutPartitions(model: DdnnModel, options: CutOptions): CutPartition[] {
  const config = model.config;
  const classNames =
    options.classNames ?? Array.from({ length: config.numClasses }, (_, i) => `class${i}`);
  if (classNames.length !== config.numClasses) {
    throw new Error(`${classNames.length} class names for ${config.numClasses} classes`);
  }
  return partitionRefs(config).map((ref) => {
    const prefix = paramPrefix(ref);
    const chunks: Uint8Array[] = [];
    const tensors: PartitionTensorSpec[] = [];
    let offset = 0;
    for (const [name, variable] of model.variables) {
      if (!name.startsWith(prefix)) continue;
      const values = variable.dataSync() as Float32Array;
      const signBits = isSignBitTensor(config, ref.tier, name);
      const bytes = signBits
        ? packSigns(values)
        : new Uint8Array(
            values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength),
          );
      tensors.push({
        name,
        shape: variable.shape,
        encoding: signBits ? 'sign-bits' : 'float32',
        offset,
        byteLength: bytes.length,
      });
      // keep float32 tensors 4-byte aligned within the weights section
      const padded = new Uint8Array((bytes.length + 3) & ~3);
      padded.set(bytes);
      chunks.push(padded);
      offset += padded.length;
    }
    const weights = new Uint8Array(offset);
    let at = 0;
    for (const chunk of chunks) {
      weights.set(chunk, at);
      at += chunk.length;
    }
    const contract = tierContract(config, ref);
    const artifact: PartitionArtifact = {
      manifest: {
        format: 'ddnn-partition',
        formatVersion: PARTITION_FORMAT_VERSION,
        tier: ref.tier,
        deviceIndex: ref.deviceIndex,
        modelConfig: config,
        scheme: {
          local: config.localAggregator,
          edge: config.edge?.aggregator ?? null,
          cloud: config.cloudAggregator,
        },
        binary: tierIsBinary(config, ref.tier),
        classNames,
        thresholds: {
          local: options.thresholds.local,
          edge: config.edge ? (options.thresholds.edge ?? options.thresholds.local) : null,
        },
        inputs: contract.inputs,
        outputs: contract.outputs,
        tensors,
        weightsByteLength: weights.length,
        weightsSha256: sha256Hex(weights),
      },
      weights,
    };
    return { ...artifact, bytes: encodePartition(artifact) };
  });
}
