import { PartitionKeeper, GoodPartition } from '../partition/partition-keeper';
import { PlatformApi } from '../platform/platform-api';
import { describeError, PartitionRefusedError, PlatformError } from '../platform/platform-errors';
import { withRetry } from '../platform/retry';
import { ClientState, Registration } from '../state/client-state';
import { ClientLog } from '../ui/client-log';
import { groupSecretKey } from '../wire/device-link-auth';
import { downloadProgress } from '../ui/download-progress';

export interface StartedClient {
  registration: Registration;
  api: PlatformApi;
  keeper: PartitionKeeper;
  good: GoodPartition;
  /** The device group's link secret (key bytes). */
  groupSecret: Buffer;
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
  const groupSecret = await ensureGroupSecret(state, registration, api, log, retry);
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
  return { registration, api, keeper, good: keeper.good!, groupSecret, log };
}

/**
 * The group secret from the registration, or, for a registration made before the platform
 * issued it, fetched once (GET /edge/group-secret) and saved. Without it the device link cannot
 * authenticate, so this waits for the platform like a first download does.
 */
async function ensureGroupSecret(
  state: ClientState,
  registration: Registration,
  api: PlatformApi,
  log: ClientLog,
  retry: { baseMs: number; maxMs: number },
): Promise<Buffer> {
  if (registration.groupSecret === undefined) {
    const { groupSecret } = await withRetry(() => api.groupSecret(), {
      ...retry,
      attempts: Infinity,
      onRetry: (error, attempt, delayMs) =>
        log.warn(
          'platform-retry',
          `${describeError(error)} (fetching the group secret); attempt ${attempt}, next in ${delayMs} ms`,
        ),
    });
    registration.groupSecret = groupSecret;
    state.saveRegistration(registration);
    log.event('group-secret-saved', {});
  }
  return groupSecretKey(registration.groupSecret);
}
