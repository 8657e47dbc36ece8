import { createPublicKey, verify } from 'node:crypto';
import {
  decodePartition,
  PARTITION_SIGNATURE_STATEMENT,
  PartitionArtifact,
  partitionSignatureStatement,
  sha256Hex,
} from '@ddnn/partition-format';
import { PartitionRefusedError } from '../platform/platform-errors';

export interface ExpectedPartition {
  tier: 'device' | 'local';
  deviceIndex: number | null;
}

/** What this client runs: its registration's model, tier and device. */
export interface ExpectedLabels extends ExpectedPartition {
  modelName: string;
}

/** What a partition is said to be (response headers, or installed.json) and its signature. */
export interface PartitionClaim {
  modelName: string;
  version: number;
  tier: string;
  deviceIndex: number | null;
  /** Ed25519, base64 (X-DDNN-Signature). */
  signature: string;
  /** Which statement the signature covers (X-DDNN-Signature-Statement). */
  signatureStatement: string;
}

const show = (value: unknown) => (value === null ? 'none' : JSON.stringify(value));

/**
 * The only way a partition gets used:
 *   1. the labels it came with must be this client's model, tier and device, and a version;
 *   2. the Ed25519 signature must verify, with the key pinned at registration, over the
 *      signature statement rebuilt from those labels and the sha256 of the bytes received
 *      (so relabelling another signed partition, or changing its version, fails here);
 *   3. decodePartition checks the weights against the manifest's sha256;
 *   4. the manifest must be the tier and device this client plays.
 * The version is returned as verified; whether it is the one to install is the caller's call.
 */
export function verifyPartition(
  bytes: Uint8Array,
  claim: PartitionClaim,
  publicKeyPem: string,
  expected: ExpectedLabels,
): PartitionArtifact {
  if (!claim.signature) {
    throw new PartitionRefusedError('the partition came without an X-DDNN-Signature: refusing it');
  }
  if (claim.signatureStatement !== PARTITION_SIGNATURE_STATEMENT) {
    throw new PartitionRefusedError(
      claim.signatureStatement === '' || claim.signatureStatement === 'v1'
        ? `the partition's signature covers only the file bytes (no X-DDNN-Signature-Statement: ${PARTITION_SIGNATURE_STATEMENT}), so nothing vouches for its model and version: refusing it (the platform is older than this client; upgrade it, or download again if it was installed by an older client)`
        : `the partition is signed under statement ${show(claim.signatureStatement)}, which this client does not know (it knows ${PARTITION_SIGNATURE_STATEMENT}): refusing it (upgrade the edge client)`,
    );
  }
  if (claim.modelName !== expected.modelName) {
    throw new PartitionRefusedError(
      `the partition is labelled model ${show(claim.modelName)}, but this client runs "${expected.modelName}": refusing it`,
    );
  }
  if (claim.tier !== expected.tier || claim.deviceIndex !== expected.deviceIndex) {
    throw new PartitionRefusedError(
      `the partition is labelled tier ${show(claim.tier)} device ${show(claim.deviceIndex)}, but this client runs tier ${expected.tier} device ${show(expected.deviceIndex)}: refusing it`,
    );
  }
  if (!Number.isSafeInteger(claim.version) || claim.version < 1) {
    throw new PartitionRefusedError(
      'the partition came without a valid X-DDNN-Model-Version: refusing it',
    );
  }
  const statement = partitionSignatureStatement({
    modelName: expected.modelName,
    version: claim.version,
    tier: expected.tier,
    deviceIndex: expected.deviceIndex,
    fileSha256: sha256Hex(bytes),
  });
  const key = createPublicKey(publicKeyPem);
  if (!verify(null, statement, key, Buffer.from(claim.signature, 'base64'))) {
    throw new PartitionRefusedError(
      `the partition signature does not verify with the pinned platform key for model "${expected.modelName}" version ${claim.version} tier ${expected.tier} device ${show(expected.deviceIndex)}: refusing it (the file or its model/version/tier/device labels were changed in transit or on disk, or it was signed by another key)`,
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
