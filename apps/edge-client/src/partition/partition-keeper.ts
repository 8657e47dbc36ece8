import type { PartitionArtifact } from '@ddnn/partition-format';
import { PlatformApi, ProgressCallback } from '../platform/platform-api';
import { PartitionRefusedError } from '../platform/platform-errors';
import { RetryOptions, withRetry } from '../platform/retry';
import { ClientState, Installed, Registration } from '../state/client-state';
import { ExpectedLabels, ExpectedPartition, verifyPartition } from './partition-verification';

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
 * installing, and never replaces a good partition with a refused one. A verified partition is
 * still refused when it is not the version due: a pinned client takes only its pinned version,
 * and an older version than the installed one only when the platform's target is that version
 * (its alias was moved back), so an old signed partition replayed by a man in the middle does
 * not roll a client back.
 */
export class PartitionKeeper {
  private current: GoodPartition | null = null;
  private readonly expected: ExpectedLabels;

  constructor(
    private readonly state: ClientState,
    private readonly registration: Registration,
    private readonly api: PlatformApi,
  ) {
    this.expected = { modelName: registration.modelName, ...expectedPartition(registration) };
  }

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
      installed,
      this.registration.publicKeyPem,
      this.expected,
    );
    this.current = { installed, artifact, bytes };
    return this.current;
  }

  /**
   * One conditional download (retried while the platform is unreachable or 5xx).
   * `targetVersion`: the platform's target from a heartbeat just made (null: none); left out,
   * the keeper asks with a heartbeat itself when it needs to know (an older version arrived).
   */
  async update(
    retry: RetryOptions,
    onProgress?: ProgressCallback,
    targetVersion?: number | null,
  ): Promise<UpdateOutcome> {
    const etag = this.current?.installed.etag ?? null;
    const download = await withRetry(() => this.api.downloadPartition(etag, onProgress), retry);
    if (download.notModified && this.current) return { kind: 'unchanged', good: this.current };
    if (download.notModified) {
      throw new PartitionRefusedError('the platform answered 304 but no partition is installed');
    }
    if (download.keyId && download.keyId !== this.registration.keyId) {
      throw new PartitionRefusedError(
        `the partition is signed by key ${download.keyId.slice(0, 12)}…, but this client pinned ${this.registration.keyId.slice(0, 12)}…: refusing it (if the platform rotated its key, register again)`,
      );
    }
    const artifact = verifyPartition(
      download.bytes,
      download,
      this.registration.publicKeyPem,
      this.expected,
    );
    await this.refuseUnwantedVersion(download.version, targetVersion, retry);
    const previousVersion = this.current?.installed.version ?? null;
    const installed = this.state.install(download.bytes, {
      modelName: this.expected.modelName,
      version: download.version,
      tier: this.expected.tier,
      deviceIndex: this.expected.deviceIndex,
      etag: download.etag,
      signature: download.signature,
      signatureStatement: download.signatureStatement,
      keyId: download.keyId,
    });
    this.current = { installed, artifact, bytes: download.bytes };
    return { kind: 'installed', good: this.current, previousVersion };
  }

  private async refuseUnwantedVersion(
    version: number,
    knownTarget: number | null | undefined,
    retry: RetryOptions,
  ): Promise<void> {
    const pinned = this.registration.version;
    if (pinned !== null) {
      if (version !== pinned) {
        throw new PartitionRefusedError(
          `this client is pinned to version ${pinned}, but the partition is version ${version}: refusing it`,
        );
      }
      return;
    }
    const installed = this.current?.installed.version;
    if (installed === undefined || version >= installed) return;
    const target =
      knownTarget !== undefined
        ? knownTarget
        : (await withRetry(() => this.api.heartbeat(installed), retry)).targetVersion;
    if (version !== target) {
      throw new PartitionRefusedError(
        `the partition is version ${version}, older than the installed version ${installed}, and the platform's target is ${target ?? 'none'}, not ${version}: refusing a rollback the alias did not make`,
      );
    }
  }
}
