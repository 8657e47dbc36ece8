import type { PartitionArtifact } from '@ddnn/partition-format';
import { PlatformApi, ProgressCallback } from '../platform/platform-api';
import { PartitionRefusedError } from '../platform/platform-errors';
import { RetryOptions, withRetry } from '../platform/retry';
import { ClientState, Installed, Registration } from '../state/client-state';
import { ExpectedPartition, verifyPartition } from './partition-verification';

export interface GoodPartition {
  installed: Installed;
  artifact: PartitionArtifact;
  bytes: Uint8Array;
}

export type UpdateOutcome =
  | { kind: 'unchanged'; good: GoodPartition }
  | { kind: 'installed'; good: GoodPartition; previousVersion: number | null };

/** The tier and device a registration runs. */
export function expectedPartition(registration: Registration): ExpectedPartition {
  return registration.role === 'gateway' && registration.deviceIndex === null
    ? { tier: 'local', deviceIndex: null }
    : { tier: 'device', deviceIndex: registration.deviceIndex };
}

/**
 * Keeps the last good partition: loads it from disk (verified again: a file changed on disk is
 * refused like one changed in transit), downloads with If-None-Match, verifies before
 * installing, and never replaces a good partition with a refused one.
 */
export class PartitionKeeper {
  private current: GoodPartition | null = null;

  constructor(
    private readonly state: ClientState,
    private readonly registration: Registration,
    private readonly api: PlatformApi,
  ) {}

  get good(): GoodPartition | null {
    return this.current;
  }

  /** The partition on disk if there is one and it still verifies; throws if it does not. */
  loadInstalled(): GoodPartition | null {
    const installed = this.state.installed();
    if (!installed) return null;
    const bytes = this.state.partitionBytes(installed);
    const artifact = verifyPartition(
      bytes,
      installed.signature,
      this.registration.publicKeyPem,
      expectedPartition(this.registration),
    );
    this.current = { installed, artifact, bytes };
    return this.current;
  }

  /** One conditional download (retried while the platform is unreachable or 5xx). */
  async update(retry: RetryOptions, onProgress?: ProgressCallback): Promise<UpdateOutcome> {
    const etag = this.current?.installed.etag ?? null;
    const download = await withRetry(() => this.api.downloadPartition(etag, onProgress), retry);
    if (download.notModified && this.current) return { kind: 'unchanged', good: this.current };
    if (download.notModified) {
      throw new PartitionRefusedError('the platform answered 304 but no partition is installed');
    }
    if (download.modelName !== this.registration.modelName) {
      throw new PartitionRefusedError(
        `the platform sent a partition of model "${download.modelName}", this client runs "${this.registration.modelName}"`,
      );
    }
    if (download.keyId && download.keyId !== this.registration.keyId) {
      throw new PartitionRefusedError(
        `the partition is signed by key ${download.keyId.slice(0, 12)}…, but this client pinned ${this.registration.keyId.slice(0, 12)}…: refusing it (if the platform rotated its key, register again)`,
      );
    }
    const artifact = verifyPartition(
      download.bytes,
      download.signature,
      this.registration.publicKeyPem,
      expectedPartition(this.registration),
    );
    const previousVersion = this.current?.installed.version ?? null;
    const installed = this.state.install(download.bytes, {
      modelName: download.modelName,
      version: download.version,
      tier: download.tier,
      deviceIndex: download.deviceIndex,
      etag: download.etag,
      signature: download.signature,
      keyId: download.keyId,
    });
    this.current = { installed, artifact, bytes: download.bytes };
    return { kind: 'installed', good: this.current, previousVersion };
  }
}
