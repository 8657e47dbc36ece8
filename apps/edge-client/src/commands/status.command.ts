import { Command } from 'commander';
import { loadClientConfig } from '../config/client-config';
import { PartitionKeeper } from '../partition/partition-keeper';
import { PlatformApi } from '../platform/platform-api';
import {
  describeError,
  PlatformError,
  PlatformUnreachableError,
} from '../platform/platform-errors';
import { ClientState } from '../state/client-state';
import { withCommonOptions } from './common-options';

/** What this client is, what it runs, and (when reachable) what the platform wants it to run. */
export function registerStatusCommand(program: Command): void {
  withCommonOptions(
    program
      .command('status')
      .description('Show the registration, the installed partition and the platform view'),
  ).action(async (flags: Record<string, unknown>) => {
    const cfg = loadClientConfig(['stateDir', 'json'] as const, flags);
    const state = new ClientState(cfg.stateDir);
    const registration = state.registration();
    const api = new PlatformApi(registration.platformUrl, registration.credential, 10_000);
    const keeper = new PartitionKeeper(state, registration, api);
    let partition: Record<string, unknown> | null = null;
    let partitionProblem: string | null = null;
    try {
      const good = keeper.loadInstalled();
      if (good) {
        const i = good.installed;
        partition = {
          version: i.version,
          tier: i.tier,
          deviceIndex: i.deviceIndex,
          etag: i.etag,
          sizeBytes: i.sizeBytes,
          installedAt: i.installedAt,
          threshold: good.artifact.manifest.thresholds.local,
          verified: true,
        };
      }
    } catch (error) {
      partitionProblem = describeError(error);
    }
    let platform: Record<string, unknown>;
    let refusal: PlatformError | null = null;
    try {
      const answer = await api.heartbeat(keeper.good?.installed.version ?? null);
      platform = {
        reachable: true,
        targetVersion: answer.targetVersion,
        updateAvailable: answer.updateAvailable,
      };
    } catch (error) {
      if (error instanceof PlatformError && error.isAuthFailure) refusal = error;
      platform = {
        reachable: !(error instanceof PlatformUnreachableError),
        error: describeError(error),
      };
    }
    const report = {
      name: registration.name,
      clientId: registration.clientId,
      role: registration.role,
      model: registration.modelName,
      deviceIndex: registration.deviceIndex,
      follows: registration.alias
        ? { alias: registration.alias }
        : { version: registration.version },
      platformUrl: registration.platformUrl,
      keyId: registration.keyId,
      partition,
      partitionProblem,
      platform,
    };
    if (cfg.json) process.stdout.write(`${JSON.stringify({ event: 'status', ...report })}\n`);
    else {
      const lines = [
        `${report.name} (${report.clientId}): ${report.role}${report.deviceIndex !== null ? ` ${report.deviceIndex}` : ''} of model ${report.model}, ${registration.alias ? `follows alias ${registration.alias}` : `pinned to version ${registration.version}`}`,
        partition
          ? `installed: version ${partition.version} (${partition.tier}), ${partition.sizeBytes} bytes, signature and sha256 verified, local threshold ${partition.threshold}`
          : `installed: ${partitionProblem ?? 'nothing yet'}`,
        'error' in platform
          ? `platform ${report.platformUrl}: ${platform.error as string}`
          : `platform ${report.platformUrl}: target version ${platform.targetVersion}${platform.updateAvailable ? ' (update available)' : ' (up to date)'}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    if (refusal) throw refusal;
  });
}
