import { Injectable } from '@nestjs/common';
import {
  PARTITION_SIGNATURE_STATEMENT,
  partitionSignatureStatement,
  sha256Hex,
} from '@ddnn/partition-format';
import { ModelRegistryRepository, PartitionTier } from '@ddnn/persistence';
import { DomainError, ErrorCode } from '../common/domain-error';
import { parseInput } from '../common/zod-validation';
import { AuthenticatedEdgeClient, EdgeClientsService } from './edge-clients.service';
import { partitionQuerySchema, PartitionQuery } from './edge-inputs';
import { PartitionSigningKeyService } from './partition-signing-key.service';

export interface PartitionDescriptor {
  modelName: string;
  version: number;
  tier: 'device' | 'local';
  deviceIndex: number | null;
  /** sha256 (hex) of the whole partition file: the ETag. */
  fileSha256: string;
  /** sha256 (hex) of the weights section, as in the manifest. */
  weightsSha256: string;
  sizeBytes: number;
}

export type PartitionDownload =
  | { notModified: true; descriptor: PartitionDescriptor }
  | {
      notModified: false;
      descriptor: PartitionDescriptor;
      bytes: Uint8Array;
      /**
       * Ed25519, base64, over the signature statement (libs/partition-format): model name,
       * version, tier, device index and the sha256 of the whole file (manifest and weights).
       */
      signature: string;
      /** Which statement was signed: X-DDNN-Signature-Statement. */
      statement: typeof PARTITION_SIGNATURE_STATEMENT;
      keyId: string;
    };

/**
 * Serves a client the one or two partitions it may run: its own device's, and the local
 * aggregator's when it is a gateway, of the version it should run now. Anything else (the
 * cloud or edge tier, another device, another model) is refused with 403.
 */
@Injectable()
export class EdgePartitionsService {
  constructor(
    private readonly registry: ModelRegistryRepository,
    private readonly clients: EdgeClientsService,
    private readonly signingKey: PartitionSigningKeyService,
  ) {}

  async download(
    client: AuthenticatedEdgeClient,
    query: unknown,
    ifNoneMatch: string | undefined,
  ): Promise<PartitionDownload> {
    const wanted = this.authorize(client, parseInput(partitionQuerySchema, query ?? {}, 'query'));
    const version = await this.clients.targetVersion(client);
    const dbTier: PartitionTier = wanted.tier === 'device' ? 'DEVICE' : 'LOCAL';
    const found = await this.registry.findPartition(version.id, dbTier, wanted.deviceIndex);
    if (!found) {
      throw new DomainError(
        ErrorCode.PartitionNotFound,
        `version ${version.version} of model "${client.model.name}" has no ${wanted.tier} partition${wanted.deviceIndex === null ? '' : ` for device ${wanted.deviceIndex}`}`,
      );
    }
    const descriptor: PartitionDescriptor = {
      modelName: client.model.name,
      version: version.version,
      tier: wanted.tier,
      deviceIndex: wanted.deviceIndex,
      fileSha256: found.sha256,
      weightsSha256: String((found.manifest as { weightsSha256?: unknown }).weightsSha256 ?? ''),
      sizeBytes: found.sizeBytes,
    };
    if (etagMatches(ifNoneMatch, found.sha256)) return { notModified: true, descriptor };
    const bytes = await this.registry.partitionBytes(found.id);
    // The sha256 of the bytes actually sent, not the stored column: the signature vouches for them.
    const { signature, keyId } = await this.signingKey.sign(
      partitionSignatureStatement({ ...descriptor, fileSha256: sha256Hex(bytes) }),
    );
    return {
      notModified: false,
      descriptor,
      bytes,
      signature,
      statement: PARTITION_SIGNATURE_STATEMENT,
      keyId,
    };
  }

  private authorize(
    client: AuthenticatedEdgeClient,
    query: PartitionQuery,
  ): { tier: 'device' | 'local'; deviceIndex: number | null } {
    if (query.model !== undefined && query.model !== client.model.name) {
      throw new DomainError(
        ErrorCode.Forbidden,
        `this client is registered for model "${client.model.name}"; it cannot fetch partitions of "${query.model}"`,
      );
    }
    const tier = query.tier ?? (client.deviceIndex === null ? 'local' : 'device');
    if (tier === 'cloud' || tier === 'edge') {
      throw new DomainError(
        ErrorCode.Forbidden,
        `edge clients never receive the ${tier} tier; it runs on the platform (send features to /v2 infer)`,
      );
    }
    if (tier === 'local') {
      if (client.role !== 'GATEWAY') {
        throw new DomainError(
          ErrorCode.Forbidden,
          'only a client registered as a gateway may fetch the local aggregator partition',
        );
      }
      if (query.deviceIndex !== undefined) {
        throw new DomainError(
          ErrorCode.Forbidden,
          'the local aggregator partition belongs to no device; leave deviceIndex out',
        );
      }
      return { tier, deviceIndex: null };
    }
    if (client.deviceIndex === null) {
      throw new DomainError(
        ErrorCode.Forbidden,
        'this client was registered without a device index; it may fetch only the local aggregator partition',
      );
    }
    if (query.deviceIndex !== undefined && query.deviceIndex !== client.deviceIndex) {
      throw new DomainError(
        ErrorCode.Forbidden,
        `this client plays device ${client.deviceIndex}; it cannot fetch device ${query.deviceIndex}'s partition`,
      );
    }
    return { tier, deviceIndex: client.deviceIndex };
  }
}

/** RFC 9110 If-None-Match against a strong tag: "*", a list, weak prefixes compare weakly. */
export function etagMatches(header: string | undefined, sha256: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === `"${sha256}"`);
}
