import { connect } from 'node:net';
import type { LocalAggregatorRuntime } from '@ddnn/device-runtime';
import { ClientLog } from '../ui/client-log';
import { encodeFrame, FrameReader, FrameType } from '../wire/group-frames';
import type { CloudTierClient } from './cloud-tier-client';
import { GroupGateway } from './group-gateway';

/** Sends raw bytes to the gateway; resolves with what it answered once it hangs up. */
function talk(address: string, bytes: Buffer): Promise<Buffer> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), address.split(':').pop()];
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

describe('group gateway facing peers on its port', () => {
  // Only HELLO handling runs here: the aggregator and the cloud client are never called.
  const partition = {
    local: { numDevices: 6, numClasses: 3 } as LocalAggregatorRuntime,
    modelName: 'cams',
    version: 1,
    featureBytes: 128,
  };
  const warnings: string[] = [];
  const log = new ClientLog(true, 'gateway');
  let gateway: GroupGateway;
  let address: string;

  beforeAll(async () => {
    jest.spyOn(log, 'warn').mockImplementation((event, message) => void warnings.push(message));
    jest.spyOn(log, 'event').mockImplementation(() => undefined);
    gateway = new GroupGateway(partition, {} as CloudTierClient, {
      listen: '127.0.0.1:0',
      expectDevices: 6,
      waitDevicesMs: 0,
      deviceTimeoutMs: 100,
      cloudConcurrency: 1,
      cloudRetry: { baseMs: 1, maxMs: 1, attempts: 1 },
      log,
    });
    address = await gateway.listen();
  });
  afterAll(() => gateway.close());

  it('drops a peer whose HELLO is JSON but not a hello, and keeps serving', async () => {
    const json = Buffer.from('null', 'utf8');
    const bad = Buffer.alloc(5 + json.length);
    bad.writeUInt32BE(1 + json.length, 0);
    bad.writeUInt8(FrameType.Hello, 4);
    json.copy(bad, 5);
    await expect(talk(address, bad)).resolves.toHaveLength(0);
    expect(warnings.at(-1)).toContain('HELLO frame is not');

    // A real device after it is still welcome (refused here only for its model, with a reason).
    const hello = encodeFrame({
      type: FrameType.Hello,
      hello: { deviceIndex: 0, modelName: 'other', version: 1, featureBytes: 128, numClasses: 3 },
    });
    const answer = new FrameReader().push(await talk(address, hello));
    expect(answer).toEqual([
      { type: FrameType.Refused, reason: expect.stringContaining('serves model "cams"') },
    ]);
    expect(gateway.connectedDevices).toEqual([]);
  }, 5_000);
});
