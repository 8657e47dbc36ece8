import { Command } from 'commander';
import { loadClientConfig } from '../config/client-config';
import { PartitionKeeper } from '../partition/partition-keeper';
import { PlatformApi } from '../platform/platform-api';
import { describeError, PartitionRefusedError } from '../platform/platform-errors';
import { ClientState } from '../state/client-state';
import { ClientLog } from '../ui/client-log';
import { downloadProgress } from '../ui/download-progress';
import { withCommonOptions } from './common-options';

/** Downloads the partition due now (conditional GET), verifies it and installs it. */
export function registerUpdateCommand(program: Command): void {
  withCommonOptions(
    program
      .command('update')
      .description(
        'Fetch the partition due now, verify it, install it (the old one stays if it is refused)',
      ),
  ).action(async (flags: Record<string, unknown>) => {
    const cfg = loadClientConfig(['stateDir', 'json', 'retryBaseMs', 'retryMaxMs'] as const, flags);
    const state = new ClientState(cfg.stateDir);
    const registration = state.registration();
    const log = new ClientLog(
      cfg.json,
      registration.role === 'gateway' ? 'gateway' : `device ${registration.deviceIndex}`,
    );
    const keeper = new PartitionKeeper(
      state,
      registration,
      new PlatformApi(registration.platformUrl, registration.credential),
    );
    try {
      keeper.loadInstalled();
    } catch (error) {
      log.warn('installed-partition-refused', `${describeError(error)}; downloading a fresh one`);
    }
    const progress = downloadProgress(cfg.json);
    try {
      const outcome = await keeper.update(
        { baseMs: cfg.retryBaseMs, maxMs: cfg.retryMaxMs, attempts: 3 },
        progress.onProgress,
      );
      progress.stop();
      log.event(outcome.kind === 'installed' ? 'partition-installed' : 'partition-unchanged', {
        version: outcome.good.installed.version,
        sizeBytes: outcome.good.installed.sizeBytes,
      });
    } catch (error) {
      progress.stop();
      if (error instanceof PartitionRefusedError) {
        const kept = keeper.good?.installed.version;
        throw new PartitionRefusedError(
          `${error.message}; ${kept ? `kept the installed version ${kept}` : 'nothing installed'}`,
        );
      }
      throw error;
    }
  });
}
