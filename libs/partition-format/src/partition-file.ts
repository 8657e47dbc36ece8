import { createHash } from 'node:crypto';
import { unpackSigns } from './bit-pack';
import { PartitionManifest, partitionManifestSchema } from './partition-manifest';

/**
 * A partition file:
 *   "DDNNPRT1" | u32 LE manifest length | manifest JSON (UTF-8) | weights
 * The manifest carries the sha256 of the weights; decoding verifies it.
 */
export const PARTITION_MAGIC = 'DDNNPRT1';

export interface PartitionArtifact {
  manifest: PartitionManifest;
  weights: Uint8Array;
}

export class PartitionFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PartitionFormatError';
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function encodePartition(artifact: PartitionArtifact): Uint8Array {
  const manifest = new TextEncoder().encode(JSON.stringify(artifact.manifest));
  const out = new Uint8Array(12 + manifest.length + artifact.weights.length);
  out.set(new TextEncoder().encode(PARTITION_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, manifest.length, true);
  out.set(manifest, 12);
  out.set(artifact.weights, 12 + manifest.length);
  return out;
}

export function decodePartition(bytes: Uint8Array): PartitionArtifact {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== PARTITION_MAGIC) {
    throw new PartitionFormatError('not a DDNN partition file (bad magic)');
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + length > bytes.length) {
    throw new PartitionFormatError('partition file is truncated (manifest)');
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  } catch {
    throw new PartitionFormatError('partition manifest is not valid JSON');
  }
  const parsed = partitionManifestSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new PartitionFormatError(
      `partition manifest is invalid at ${first.path.join('.') || '(root)'}: ${first.message}`,
    );
  }
  const manifest = parsed.data;
  const weights = bytes.slice(12 + length);
  if (weights.length !== manifest.weightsByteLength) {
    throw new PartitionFormatError(
      `partition weights are ${weights.length} bytes, the manifest says ${manifest.weightsByteLength}`,
    );
  }
  if (sha256Hex(weights) !== manifest.weightsSha256) {
    throw new PartitionFormatError('partition weights do not match the manifest sha256');
  }
  for (const t of manifest.tensors) {
    if (t.offset + t.byteLength > weights.length) {
      throw new PartitionFormatError(`tensor ${t.name} lies outside the weights section`);
    }
  }
  return { manifest, weights };
}

/** Reads one tensor of a partition as float32 values (sign bits become -1/+1). */
export function readPartitionTensor(artifact: PartitionArtifact, name: string): Float32Array {
  const spec = artifact.manifest.tensors.find((t) => t.name === name);
  if (!spec) throw new PartitionFormatError(`partition has no tensor named ${name}`);
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const bytes = artifact.weights.subarray(spec.offset, spec.offset + spec.byteLength);
  if (spec.encoding === 'float32') {
    if (spec.byteLength !== count * 4) {
      throw new PartitionFormatError(
        `tensor ${name}: ${spec.byteLength} bytes for ${count} floats`,
      );
    }
    return new Float32Array(bytes.slice().buffer);
  }
  return unpackSigns(bytes, count);
}
