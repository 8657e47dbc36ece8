import { Counters, PlatformApi } from '../platform/platform-api';
import { describeError, PartitionRefusedError, PlatformError } from '../platform/platform-errors';
import { RetryOptions } from '../platform/retry';
import { ClientLog } from '../ui/client-log';
import { GoodPartition, PartitionKeeper } from './partition-keeper';

export interface PlatformSyncOptions {
  pollIntervalMs: number;
  retry: Omit<RetryOptions, 'attempts' | 'signal'>;
  log: ClientLog;
  counters: () => Counters;
  /** A new verified partition was installed (an alias moved): swap it in. */
  onNewPartition: (good: GoodPartition) => void;
  /** The platform refused the credential (401/403): the client must stop. */
  onAuthFailure: (error: PlatformError) => void;
}

/**
 * While a client runs: a heartbeat every pollIntervalMs with its counters; when the platform
 * says another version is due (an alias moved), a conditional download, verified before use.
 * Offline, it keeps running the last good partition and says so once; a refused (tampered)
 * partition is reported and the old one kept.
 */
export class PlatformSync {
  private timer: NodeJS.Timeout | null = null;
  private offline = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly api: PlatformApi,
    private readonly keeper: PartitionKeeper,
    private readonly options: PlatformSyncOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.poll().finally(() => (this.running = null));
    }, this.options.pollIntervalMs);
    this.timer.unref();
  }

  async stop(finalHeartbeat: boolean): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    if (finalHeartbeat) await this.heartbeat().catch(() => undefined);
  }

  private installedVersion(): number | null {
    return this.keeper.good?.installed.version ?? null;
  }

  private heartbeat() {
    return this.api.heartbeat(this.installedVersion(), this.options.counters());
  }

  async poll(): Promise<void> {
    const log = this.options.log;
    try {
      const answer = await this.heartbeat();
      if (this.offline) {
        this.offline = false;
        log.event('platform-online', { version: this.installedVersion() });
      }
      if (!answer.updateAvailable) return;
      const outcome = await this.keeper.update(
        { ...this.options.retry, attempts: 3 },
        undefined,
        answer.targetVersion,
      );
      if (outcome.kind === 'installed') {
        log.event('partition-installed', {
          version: outcome.good.installed.version,
          previousVersion: outcome.previousVersion,
          sizeBytes: outcome.good.installed.sizeBytes,
        });
        this.options.onNewPartition(outcome.good);
      }
    } catch (error) {
      if (error instanceof PlatformError && error.isAuthFailure) {
        this.options.onAuthFailure(error);
      } else if (error instanceof PartitionRefusedError) {
        log.warn(
          'partition-refused',
          `${error.message}; keeping version ${this.installedVersion()}`,
        );
      } else if (!this.offline) {
        this.offline = true;
        log.warn(
          'platform-offline',
          `${describeError(error)}; working offline with version ${this.installedVersion()}`,
        );
      }
    }
  }
}
