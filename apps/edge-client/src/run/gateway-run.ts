import { LocalAggregatorRuntime } from '@ddnn/device-runtime';
import { deviceFeatureBytes } from '@ddnn/model-spec';
import { CloudTierClient } from '../gateway/cloud-tier-client';
import { GatewayPartition, GroupGateway, SampleResult } from '../gateway/group-gateway';
import { summarizeRun } from '../gateway/run-summary';
import { loadSamples, SampleSourceOptions } from '../input/sample-source';
import { GoodPartition } from '../partition/partition-keeper';
import { PlatformSync } from '../partition/platform-sync';
import { PlatformError } from '../platform/platform-errors';
import { CountersLine } from '../ui/counters-line';
import { StartedClient } from './client-startup';
import { ResultsFile } from './results-file';

export interface GatewayRunOptions extends SampleSourceOptions {
  json: boolean;
  listen: string;
  expectDevices?: number;
  waitDevicesMs: number;
  deviceTimeoutMs: number;
  maxConnections: number;
  helloTimeoutMs: number;
  results?: string;
  /** Start a sample at most every this many ms (a camera's frame period); 0: back to back. */
  sampleIntervalMs: number;
  pollIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  cloudTimeoutMs: number;
  cloudConcurrency: number;
}

function gatewayPartition(good: GoodPartition, featureBytes: number): GatewayPartition {
  return {
    local: LocalAggregatorRuntime.load(good.artifact),
    modelName: good.installed.modelName,
    version: good.installed.version,
    featureBytes,
  };
}

/** The device group's gateway: runs the dataset's samples through the group, then ends the run. */
export async function runGateway(client: StartedClient, options: GatewayRunOptions): Promise<void> {
  const { registration, log } = client;
  const { dataset, description } = await loadSamples(options);
  const featureBytes = deviceFeatureBytes(client.good.artifact.manifest.modelConfig);
  const partition = gatewayPartition(client.good, featureBytes);
  const V = partition.local.numDevices;
  const C = partition.local.numClasses;
  if (dataset.numViews !== V)
    throw new Error(`${description} has ${dataset.numViews} views; the model has ${V} devices`);
  const out = options.results ? ResultsFile.open(options.results, log) : null;
  const cloud = new CloudTierClient(
    registration.platformUrl,
    registration.modelName,
    registration.credential,
    options.cloudTimeoutMs,
    options.cloudConcurrency,
  );
  const gateway = new GroupGateway(partition, cloud, {
    listen: options.listen,
    expectDevices: options.expectDevices ?? V,
    waitDevicesMs: options.waitDevicesMs,
    deviceTimeoutMs: options.deviceTimeoutMs,
    cloudConcurrency: options.cloudConcurrency,
    cloudRetry: { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs, attempts: 3 },
    groupSecret: client.groupSecret,
    maxConnections: options.maxConnections,
    helloTimeoutMs: options.helloTimeoutMs,
    log,
  });
  const results: SampleResult[] = [];
  let cloudBytesSent = 0;
  const line = new CountersLine(options.json);
  let fatal: PlatformError | null = null;
  const sync = new PlatformSync(client.api, client.keeper, {
    pollIntervalMs: options.pollIntervalMs,
    retry: { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs },
    log,
    counters: () => ({
      samples: results.length,
      localExits: results.filter((r) => r.exitTier === 'local').length,
      bytesSent: cloudBytesSent,
    }),
    onNewPartition: (good) => gateway.replacePartition(gatewayPartition(good, featureBytes)),
    onAuthFailure: (error) => (fatal = error),
  });
  let aborted = false;
  const stop = () => (aborted = true);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let started = Date.now();
  // Everything from listen() on is inside the try: a port in use or any later error still
  // closes the gateway, the cloud agent and the results file.
  try {
    const address = await gateway.listen();
    log.event('listening', {
      address,
      version: partition.version,
      input: description,
      samples: dataset.numSamples,
    });
    const connected = await gateway.waitForDevices();
    log.event('devices-ready', {
      devices: connected,
      missing: Array.from({ length: V }, (_, d) => d).filter((d) => !connected.includes(d)),
    });
    sync.start();
    started = Date.now();
    for (let i = 0; i < dataset.numSamples && !aborted; i++) {
      if (fatal) throw fatal;
      const due = started + i * options.sampleIntervalMs;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      await gateway.process(i, dataset.labels[i], (r) => {
        results.push(r);
        cloudBytesSent += r.cloudRequestBytes;
        out?.write(r);
        line.update(() => {
          const local = results.filter((x) => x.exitTier === 'local').length;
          return `gateway v${r.version}: ${results.length}/${dataset.numSamples} samples, ${local} local exits, ${results.length - local} to the cloud, ${gateway.connectedDevices.length}/${V} devices`;
        });
      });
    }
    await gateway.drain();
    if (fatal) throw fatal;
  } finally {
    line.finish();
    await out?.close();
    gateway.close();
    cloud.close();
    await sync.stop(fatal === null);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  results.sort((a, b) => a.sample - b.sample);
  const summary = summarizeRun(results, V, C, featureBytes);
  log.event(
    'summary',
    { ...summary, elapsedMs: Date.now() - started, deviceSocketBytes: gateway.deviceSocketBytes() },
    `done: ${summary.samples} samples, accuracy ${(100 * summary.accuracy).toFixed(1)}%, local exits ${(100 * summary.localExitRate).toFixed(1)}%, ` +
      `${summary.deviceToGateway.wireBytesPerDevicePerSample.toFixed(1)} bytes per device and sample on the wire (formula ${summary.deviceToGateway.formulaBytesPerDevicePerSample.toFixed(1)} + framing), ` +
      `${summary.gatewayToCloud.requests} cloud calls of ${summary.gatewayToCloud.requests ? Math.round(summary.gatewayToCloud.requestBytes / summary.gatewayToCloud.requests) : 0} bytes`,
  );
}
