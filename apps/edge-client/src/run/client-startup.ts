import { PartitionKeeper, GoodPartition } from '../partition/partition-keeper';
import { PlatformApi } from '../platform/platform-api';
import { describeError, PartitionRefusedError, PlatformError } from '../platform/platform-errors';
import { ClientState, Registration } from '../state/client-state';
import { ClientLog } from '../ui/client-log';
import { downloadProgress } from '../ui/download-progress';

export interface StartedClient {
  registration: Registration;
  api: PlatformApi;
  keeper: PartitionKeeper;
  good: GoodPartition;
  log: ClientLog;
}

/**
 * Gets a client ready to run: its registration, the last good partition from disk (verified
 * again), then the platform's current one. With a good partition on disk a few failed attempts
 * are enough to go on offline; without one it waits for the platform (backoff, forever).
 * A refused credential stops it; a refused download keeps the one on disk.
 */
export async function startClient(
  stateDir: string,
  json: boolean,
  retry: { baseMs: number; maxMs: number },
): Promise<StartedClient> {
  const state = new ClientState(stateDir);
  const registration = state.registration();
  const log = new ClientLog(
    json,
    registration.role === 'gateway' ? 'gateway' : `device ${registration.deviceIndex}`,
  );
  const api = new PlatformApi(registration.platformUrl, registration.credential);
  const keeper = new PartitionKeeper(state, registration, api);
  try {
    keeper.loadInstalled();
  } catch (error) {
    log.warn('installed-partition-refused', `${describeError(error)}; it will not be used`);
  }
  const progress = downloadProgress(json);
  try {
    const outcome = await keeper.update(
      {
        ...retry,
        attempts: keeper.good ? 3 : Infinity,
        onRetry: (error, attempt, delayMs) =>
          log.warn(
            'platform-retry',
            `${describeError(error)}; attempt ${attempt}, next in ${delayMs} ms`,
          ),
      },
      progress.onProgress,
    );
    progress.stop();
    log.event(outcome.kind === 'installed' ? 'partition-installed' : 'partition-unchanged', {
      version: outcome.good.installed.version,
      sizeBytes: outcome.good.installed.sizeBytes,
    });
  } catch (error) {
    progress.stop();
    if (error instanceof PlatformError && error.isAuthFailure) throw error;
    if (!keeper.good) throw error;
    const kind = error instanceof PartitionRefusedError ? 'partition-refused' : 'platform-offline';
    log.warn(
      kind,
      `${describeError(error)}; running the installed version ${keeper.good.installed.version}`,
    );
  }
  return { registration, api, keeper, good: keeper.good!, log };
}
