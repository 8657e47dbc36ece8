import { DeviceRuntime } from '@ddnn/device-runtime';
import { DeviceNode, RunningPartition } from '../device/device-node';
import { loadSamples, SampleSourceOptions } from '../input/sample-source';
import { GoodPartition } from '../partition/partition-keeper';
import { PlatformSync } from '../partition/platform-sync';
import { CountersLine } from '../ui/counters-line';
import { StartedClient } from './client-startup';

export interface DeviceRunOptions extends SampleSourceOptions {
  json: boolean;
  gatewayAddress?: string;
  pollIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

function running(good: GoodPartition): RunningPartition {
  return {
    runtime: DeviceRuntime.load(good.artifact),
    modelName: good.installed.modelName,
    version: good.installed.version,
  };
}

/** An end device: serves its gateway until the gateway ends the run. */
export async function runDevice(client: StartedClient, options: DeviceRunOptions): Promise<void> {
  const { registration, log } = client;
  if (!options.gatewayAddress) {
    throw new Error(
      'a device needs --gateway-address host:port (EDGE_GATEWAY_ADDRESS) of its gateway',
    );
  }
  const { dataset, description } = await loadSamples(options);
  const deviceIndex = registration.deviceIndex!;
  if (deviceIndex >= dataset.numViews) {
    throw new Error(
      `${description} has ${dataset.numViews} views; this client plays device ${deviceIndex}`,
    );
  }
  const line = new CountersLine(options.json);
  const node = new DeviceNode(running(client.good), {
    gatewayAddress: options.gatewayAddress,
    deviceIndex,
    dataset,
    retryBaseMs: options.retryBaseMs,
    retryMaxMs: options.retryMaxMs,
    groupSecret: client.groupSecret,
    log,
    onActivity: () =>
      line.update(
        () =>
          `device ${deviceIndex} v${client.keeper.good?.installed.version}: ${node.counters.samples} samples, ${node.counters.featureRequests} feature maps sent, ${node.counters.bytesSent} bytes to the gateway`,
      ),
  });
  const abort = new AbortController();
  let fatal: Error | null = null;
  const sync = new PlatformSync(client.api, client.keeper, {
    pollIntervalMs: options.pollIntervalMs,
    retry: { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs },
    log,
    counters: () => ({
      samples: node.counters.samples,
      localExits: 0,
      bytesSent: node.counters.bytesSent,
    }),
    onNewPartition: (good) => node.replacePartition(running(good)),
    onAuthFailure: (error) => {
      fatal = error;
      abort.abort();
    },
  });
  log.event('device-ready', {
    device: deviceIndex,
    version: client.good.installed.version,
    input: description,
    samples: dataset.numSamples,
    gateway: options.gatewayAddress,
  });
  sync.start();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await node.run(abort.signal);
  } finally {
    line.finish();
    await sync.stop(fatal === null);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  if (fatal) throw fatal;
  log.event(
    'device-done',
    { device: deviceIndex, ...node.counters },
    `done: ${node.counters.samples} samples, ${node.counters.featureRequests} feature maps, ${node.counters.bytesSent} bytes sent to the gateway`,
  );
}
