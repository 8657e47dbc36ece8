import { Command } from 'commander';
import { ConfigError, loadClientConfig } from '../config/client-config';
import { runDevice } from '../run/device-run';
import { runGateway } from '../run/gateway-run';
import { startClient } from '../run/client-startup';
import { withCommonOptions } from './common-options';

const FIELDS = [
  'stateDir',
  'json',
  'dataset',
  'datasetSeed',
  'trainSize',
  'testSize',
  'split',
  'testFraction',
  'splitSeed',
  'limit',
  'sampleIntervalMs',
  'gatewayAddress',
  'listen',
  'expectDevices',
  'waitDevicesMs',
  'deviceTimeoutMs',
  'maxConnections',
  'helloTimeoutMs',
  'results',
  'pollIntervalMs',
  'retryBaseMs',
  'retryMaxMs',
  'cloudTimeoutMs',
  'cloudConcurrency',
] as const;

export function registerRunCommand(program: Command): void {
  withCommonOptions(
    program
      .command('run')
      .description(
        'Run as registered: a device serves its gateway, a gateway runs its group over the input',
      )
      .option(
        '--dataset <name|file>',
        'input: a built-in dataset (simulation: each device takes its view) or a .ddnnds/.npz/.zip file (EDGE_DATASET)',
      )
      .option(
        '--dataset-seed <n>',
        'built-in dataset seed, as given to the platform (EDGE_DATASET_SEED, default 1)',
      )
      .option('--train-size <n>', 'built-in dataset train size (EDGE_TRAIN_SIZE)')
      .option('--test-size <n>', 'built-in dataset test size (EDGE_TEST_SIZE)')
      .option('--split <which>', 'test | train | all (files only) (EDGE_SPLIT, default test)')
      .option(
        '--test-fraction <x>',
        'a file is split like a platform upload (EDGE_TEST_FRACTION, default 0.2)',
      )
      .option('--split-seed <n>', 'and with this seed (EDGE_SPLIT_SEED, default 1)')
      .option('--limit <n>', 'only the first n samples (EDGE_LIMIT)')
      .option(
        '--sample-interval-ms <ms>',
        "gateway: start a sample at most every ms, like a camera's frame period (EDGE_SAMPLE_INTERVAL_MS, default 0: as fast as possible)",
      )
      .option(
        '--gateway-address <host:port>',
        'device: where its gateway listens (EDGE_GATEWAY_ADDRESS)',
      )
      .option(
        '--listen <host:port>',
        'gateway: where devices connect; port 0 picks one (EDGE_LISTEN, default 127.0.0.1:7070)',
      )
      .option(
        '--expect-devices <n>',
        "gateway: devices to wait for before starting (EDGE_EXPECT_DEVICES, default the model's)",
      )
      .option(
        '--wait-devices-ms <ms>',
        'gateway: how long to wait for them (EDGE_WAIT_DEVICES_MS, default 30000)',
      )
      .option(
        '--device-timeout-ms <ms>',
        'gateway: a device silent this long is missing for the sample (EDGE_DEVICE_TIMEOUT_MS, default 2000)',
      )
      .option(
        '--max-connections <n>',
        'gateway: open device connections at most; more are closed at once (EDGE_MAX_CONNECTIONS, default 64)',
      )
      .option(
        '--hello-timeout-ms <ms>',
        'gateway: a connection without an authenticated HELLO this long is dropped (EDGE_HELLO_TIMEOUT_MS, default 5000)',
      )
      .option('--results <file>', 'gateway: one JSON line per sample (EDGE_RESULTS)')
      .option(
        '--poll-interval-ms <ms>',
        'heartbeat and update check period (EDGE_POLL_INTERVAL_MS, default 30000)',
      )
      .option(
        '--cloud-timeout-ms <ms>',
        'gateway: cloud call timeout (EDGE_CLOUD_TIMEOUT_MS, default 10000)',
      )
      .option(
        '--cloud-concurrency <n>',
        'gateway: cloud calls in flight at once (EDGE_CLOUD_CONCURRENCY, default 4)',
      ),
  ).action(async (flags: Record<string, unknown>) => {
    const cfg = loadClientConfig(FIELDS, flags);
    if (cfg.dataset === undefined) {
      throw new ConfigError(
        'run needs an input: --dataset <built-in name | file> (EDGE_DATASET, "dataset" in the config file)',
      );
    }
    const client = await startClient(cfg.stateDir, cfg.json, {
      baseMs: cfg.retryBaseMs,
      maxMs: cfg.retryMaxMs,
    });
    const options = { ...cfg, dataset: cfg.dataset! };
    if (client.registration.role === 'gateway') await runGateway(client, options);
    else await runDevice(client, options);
  });
}
