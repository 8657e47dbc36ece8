import { PartitionFormatError } from './partition-file';
import type { PartitionTier } from './partition-manifest';

/**
 * What the platform's Ed25519 signature over a served partition covers: not the file bytes
 * alone, but a statement binding them to what the file is said to be, so a signed partition of
 * another model, version, tier or device cannot be passed off under different labels:
 *
 *   ddnn-partition-signature/v2
 *   model=<model name>
 *   version=<version number>
 *   tier=<device|local|edge|cloud>
 *   device=<device index, or - for none>
 *   sha256=<sha256 hex of the whole partition file>
 *
 * (lines joined by "\n", no trailing newline, UTF-8). The platform builds it from what it serves,
 * a client from the labels it received and the sha256 of the bytes it received; nobody parses
 * it. The version travels as X-DDNN-Signature-Statement so a client refuses one it does not know.
 */
export const PARTITION_SIGNATURE_STATEMENT = 'v2';

export interface PartitionStatementFields {
  modelName: string;
  version: number;
  tier: PartitionTier;
  deviceIndex: number | null;
  /** sha256 (hex) of the whole partition file, manifest and weights. */
  fileSha256: string;
}

/** The statement's UTF-8 bytes; throws PartitionFormatError on a value that cannot be stated. */
export function partitionSignatureStatement(fields: PartitionStatementFields): Uint8Array {
  const { modelName, version, tier, deviceIndex, fileSha256 } = fields;
  if (modelName.length === 0 || /[\r\n]/.test(modelName)) {
    throw new PartitionFormatError(
      `cannot state model name ${JSON.stringify(modelName)}: empty or with a line break`,
    );
  }
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new PartitionFormatError(`cannot state version ${version}: not a positive integer`);
  }
  if (!['device', 'local', 'edge', 'cloud'].includes(tier)) {
    throw new PartitionFormatError(`cannot state tier ${JSON.stringify(tier)}: unknown tier`);
  }
  if (deviceIndex !== null && (!Number.isSafeInteger(deviceIndex) || deviceIndex < 0)) {
    throw new PartitionFormatError(`cannot state device index ${deviceIndex}: not an index`);
  }
  if (!/^[0-9a-f]{64}$/.test(fileSha256)) {
    throw new PartitionFormatError(`cannot state sha256 ${JSON.stringify(fileSha256)}: not hex`);
  }
  return new TextEncoder().encode(
    [
      `ddnn-partition-signature/${PARTITION_SIGNATURE_STATEMENT}`,
      `model=${modelName}`,
      `version=${version}`,
      `tier=${tier}`,
      `device=${deviceIndex === null ? '-' : deviceIndex}`,
      `sha256=${fileSha256}`,
    ].join('\n'),
  );
}
