import { createPublicKey, verify } from 'node:crypto';
import { decodePartition, PartitionArtifact } from '@ddnn/partition-format';
import { PartitionRefusedError } from '../platform/platform-errors';

export interface ExpectedPartition {
  tier: 'device' | 'local';
  deviceIndex: number | null;
}

/**
 * The only way a partition gets used: the Ed25519 signature over the whole file must verify
 * with the key pinned at registration, then decodePartition checks the weights against the
 * manifest's sha256, then the manifest must be the tier and device this client plays.
 */
export function verifyPartition(
  bytes: Uint8Array,
  signatureBase64: string,
  publicKeyPem: string,
  expected: ExpectedPartition,
): PartitionArtifact {
  if (!signatureBase64) {
    throw new PartitionRefusedError('the partition came without an X-DDNN-Signature: refusing it');
  }
  const key = createPublicKey(publicKeyPem);
  if (!verify(null, bytes, key, Buffer.from(signatureBase64, 'base64'))) {
    throw new PartitionRefusedError(
      'the partition signature does not verify with the pinned platform key: refusing it (tampered in transit or on disk, or signed by another key)',
    );
  }
  let artifact: PartitionArtifact;
  try {
    artifact = decodePartition(bytes);
  } catch (error) {
    throw new PartitionRefusedError(`the partition does not decode: ${(error as Error).message}`);
  }
  const m = artifact.manifest;
  if (m.tier !== expected.tier || m.deviceIndex !== expected.deviceIndex) {
    throw new PartitionRefusedError(
      `the partition is tier ${m.tier} device ${m.deviceIndex}, but this client runs tier ${expected.tier} device ${expected.deviceIndex}`,
    );
  }
  return artifact;
}
