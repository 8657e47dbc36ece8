/** Response headers of a partition download (GET /edge/partition), read by the edge client. */
export const PartitionHeader = {
  model: 'x-ddnn-model',
  modelVersion: 'x-ddnn-model-version',
  tier: 'x-ddnn-partition-tier',
  weightsSha256: 'x-ddnn-weights-sha256',
  deviceIndex: 'x-ddnn-device-index',
  signature: 'x-ddnn-signature',
  signatureStatement: 'x-ddnn-signature-statement',
  signatureAlgorithm: 'x-ddnn-signature-algorithm',
  signingKeyId: 'x-ddnn-signing-key-id',
} as const;
