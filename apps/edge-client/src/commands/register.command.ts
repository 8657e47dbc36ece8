import { Command } from 'commander';
import { createHash } from 'node:crypto';
import { ConfigError, envName, flagName, loadClientConfig } from '../config/client-config';
import { PartitionKeeper } from '../partition/partition-keeper';
import { PlatformApi } from '../platform/platform-api';
import { describeError } from '../platform/platform-errors';
import { withRetry } from '../platform/retry';
import { ClientState, Registration } from '../state/client-state';
import { ClientLog } from '../ui/client-log';
import { downloadProgress } from '../ui/download-progress';
import { withCommonOptions } from './common-options';

const FIELDS = [
  'stateDir',
  'json',
  'platformUrl',
  'enrollmentToken',
  'name',
  'model',
  'alias',
  'version',
  'deviceIndex',
  'gateway',
  'retryBaseMs',
  'retryMaxMs',
] as const;

/** The key id the platform publishes: sha256 (hex) of the key's SPKI DER. */
function keyIdOf(publicKeyPem: string): string {
  const der = Buffer.from(publicKeyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return createHash('sha256').update(der).digest('hex');
}

export function registerRegisterCommand(program: Command): void {
  withCommonOptions(
    program
      .command('register')
      .description(
        'Enroll with a token: stores the credential and pins the platform key, then downloads the partition',
      )
      .option(
        '--platform-url <url>',
        'the platform, e.g. http://127.0.0.1:3000 (EDGE_PLATFORM_URL)',
      )
      .option(
        '--enrollment-token <token>',
        'single-use token from an admin; prefer EDGE_ENROLLMENT_TOKEN or the config file (a flag shows in ps)',
      )
      .option('--name <name>', 'this client, e.g. cam-3 (EDGE_NAME)')
      .option('--model <name>', 'model to run (EDGE_MODEL)')
      .option('--alias <alias>', 'follow this alias, e.g. production (EDGE_ALIAS)')
      .option('--version <n>', 'or stay on this version (EDGE_VERSION)')
      .option('--device-index <n>', 'the end device this client plays, 0-based (EDGE_DEVICE_INDEX)')
      .option('--gateway', "run the device group's local aggregator (EDGE_GATEWAY)"),
  ).action(async (flags: Record<string, unknown>) => {
    const cfg = loadClientConfig(FIELDS, flags);
    const problems: string[] = [];
    if ((cfg.alias === undefined) === (cfg.version === undefined)) {
      problems.push('give either --alias (follow it) or --version (pin it), not both');
    }
    if (cfg.deviceIndex === undefined && !cfg.gateway) {
      problems.push('give --device-index (an end device) or --gateway');
    }
    if (cfg.deviceIndex !== undefined && cfg.gateway) {
      problems.push(
        'a gateway that is also a camera is not supported by this client: register the camera and the gateway as two clients',
      );
    }
    for (const f of ['platformUrl', 'enrollmentToken', 'name', 'model'] as const) {
      if (cfg[f] === undefined)
        problems.push(`${flagName(f)} (${envName(f)}, or "${f}" in the config file) is required`);
    }
    if (problems.length) throw new ConfigError(`cannot register:\n  ${problems.join('\n  ')}`);
    const state = new ClientState(cfg.stateDir);
    if (state.hasRegistration()) {
      const existing = state.registration();
      throw new ConfigError(
        `${cfg.stateDir} already holds the registration of "${existing.name}" (${existing.clientId}); use another --state-dir, or delete it to register again`,
      );
    }
    state.checkWritable();
    const log = new ClientLog(cfg.json, cfg.gateway ? 'gateway' : `device ${cfg.deviceIndex}`);
    const retry = { baseMs: cfg.retryBaseMs, maxMs: cfg.retryMaxMs, attempts: 5 };
    const open = new PlatformApi(cfg.platformUrl!);
    // The key is pinned before the token is spent: a platform that cannot show its key gets no registration.
    const key = await withRetry(() => open.publicKey(), retry);
    if (key.algorithm !== 'Ed25519')
      throw new Error(
        `the platform signs with ${key.algorithm}, this client verifies Ed25519 only`,
      );
    if (keyIdOf(key.publicKeyPem) !== key.keyId) {
      throw new Error('the platform key id does not match its public key: refusing to pin it');
    }
    const registered = await open.register({
      enrollmentToken: cfg.enrollmentToken!,
      name: cfg.name!,
      modelName: cfg.model!,
      ...(cfg.alias !== undefined ? { alias: cfg.alias } : { version: cfg.version }),
      ...(cfg.deviceIndex !== undefined ? { deviceIndex: cfg.deviceIndex } : {}),
      gateway: cfg.gateway,
    });
    const registration: Registration = {
      platformUrl: cfg.platformUrl!,
      clientId: registered.client.id,
      name: cfg.name!,
      role: cfg.gateway ? 'gateway' : 'device',
      modelName: cfg.model!,
      deviceIndex: cfg.deviceIndex ?? null,
      alias: cfg.alias ?? null,
      version: cfg.version ?? null,
      credential: registered.credential,
      groupSecret: registered.groupSecret,
      publicKeyPem: key.publicKeyPem,
      keyId: key.keyId,
      registeredAt: new Date().toISOString(),
    };
    state.saveRegistration(registration);
    log.event(
      'registered',
      {
        clientId: registration.clientId,
        name: registration.name,
        model: registration.modelName,
        stateDir: cfg.stateDir,
        keyId: key.keyId,
      },
      `registered "${registration.name}" (${registration.clientId}) for model ${registration.modelName}; credential stored in ${cfg.stateDir}/registration.json (mode 0600), platform key ${key.keyId.slice(0, 16)}… pinned`,
    );
    const keeper = new PartitionKeeper(
      state,
      registration,
      new PlatformApi(cfg.platformUrl!, registered.credential),
    );
    const progress = downloadProgress(cfg.json);
    try {
      const outcome = await keeper.update(retry, progress.onProgress);
      progress.stop();
      log.event('partition-installed', {
        version: outcome.good.installed.version,
        tier: outcome.good.installed.tier,
        sizeBytes: outcome.good.installed.sizeBytes,
      });
    } catch (error) {
      progress.stop();
      log.warn(
        'partition-not-installed',
        `registered, but the first download failed: ${describeError(error)}; "edge-client run" retries`,
      );
    }
  });
}
