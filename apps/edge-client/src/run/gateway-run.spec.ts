import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAPER_MVMC_CONFIG } from '@ddnn/model-spec';
import type { PartitionArtifact } from '@ddnn/partition-format';
import { CloudTierClient } from '../gateway/cloud-tier-client';
import { GroupGateway } from '../gateway/group-gateway';
import { PartitionKeeper } from '../partition/partition-keeper';
import { PlatformApi } from '../platform/platform-api';
import { ClientState, Registration } from '../state/client-state';
import { ClientLog } from '../ui/client-log';
import { StartedClient } from './client-startup';
import { runGateway } from './gateway-run';
import { ResultsFile } from './results-file';

/** An MP local aggregator partition for 6 devices and 3 classes: no tensors, no weights. */
const LOCAL_MP: PartitionArtifact = {
  manifest: {
    format: 'ddnn-partition',
    formatVersion: 1,
    tier: 'local',
    deviceIndex: null,
    modelConfig: PAPER_MVMC_CONFIG,
    scheme: { local: 'MP', edge: null, cloud: 'CC' },
    binary: true,
    classNames: ['car', 'bus', 'person'],
    thresholds: { local: 0.5, edge: null },
    inputs: [],
    outputs: [],
    tensors: [],
    weightsByteLength: 0,
    weightsSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
  weights: new Uint8Array(0),
};

describe('gateway run', () => {
  let root: string;
  let occupied: Server;
  let occupiedAddress: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'gateway-run-'));
    occupied = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
    occupiedAddress = `127.0.0.1:${(occupied.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => occupied.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it('closes the gateway, the cloud agent and the results file when it cannot listen', async () => {
    // Nothing listens on port 9: the final heartbeat fails at once and is ignored.
    const platformUrl = 'http://127.0.0.1:9';
    const registration: Registration = {
      platformUrl,
      clientId: 'g',
      name: 'gateway',
      role: 'gateway',
      modelName: 'cams',
      deviceIndex: null,
      alias: 'production',
      version: null,
      credential: 'secret',
      publicKeyPem: '',
      keyId: '',
      registeredAt: new Date().toISOString(),
    };
    const api = new PlatformApi(platformUrl, 'secret', 2_000);
    const log = new ClientLog(true, 'gateway');
    const events: string[] = [];
    jest.spyOn(log, 'event').mockImplementation((event) => void events.push(event));
    const client: StartedClient = {
      registration,
      api,
      keeper: new PartitionKeeper(new ClientState(join(root, 'state')), registration, api),
      good: {
        installed: {
          modelName: 'cams',
          version: 1,
          tier: 'local',
          deviceIndex: null,
          etag: '"x"',
          signature: '',
          signatureStatement: 'v2',
          keyId: '',
          fileName: 'partition-00.ddnnp',
          sizeBytes: 0,
          installedAt: new Date().toISOString(),
        },
        artifact: LOCAL_MP,
        bytes: new Uint8Array(0),
      },
      groupSecret: Buffer.alloc(32, 7),
      log,
    };
    const gatewayClose = jest.spyOn(GroupGateway.prototype, 'close');
    const cloudClose = jest.spyOn(CloudTierClient.prototype, 'close');
    const resultsClose = jest.spyOn(ResultsFile.prototype, 'close');
    const sigint = process.listenerCount('SIGINT');

    await expect(
      runGateway(client, {
        dataset: 'synthetic-mvmc',
        datasetSeed: 1,
        sampleIntervalMs: 0,
        trainSize: 1,
        testSize: 3,
        split: 'test',
        testFraction: 0.2,
        maxConnections: 8,
        helloTimeoutMs: 1000,
        splitSeed: 1,
        json: true,
        listen: occupiedAddress,
        waitDevicesMs: 0,
        deviceTimeoutMs: 100,
        results: join(root, 'results.jsonl'),
        pollIntervalMs: 60_000,
        retryBaseMs: 1,
        retryMaxMs: 1,
        cloudTimeoutMs: 1_000,
        cloudConcurrency: 1,
      }),
    ).rejects.toThrow('EADDRINUSE');

    expect(gatewayClose).toHaveBeenCalledTimes(1);
    expect(cloudClose).toHaveBeenCalledTimes(1);
    expect(resultsClose).toHaveBeenCalledTimes(1);
    expect(process.listenerCount('SIGINT')).toBe(sigint);
    expect(events).not.toContain('listening');
  }, 30_000);
});
