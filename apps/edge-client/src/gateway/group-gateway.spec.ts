import { connect, Socket } from 'node:net';
import type { LocalAggregatorRuntime } from '@ddnn/device-runtime';
import { ClientLog } from '../ui/client-log';
import { helloProof, newNonce, proofMatches, welcomeProof } from '../wire/device-link-auth';
import { encodeFrame, Frame, FrameReader, FrameType } from '../wire/group-frames';
import type { CloudTierClient } from './cloud-tier-client';
import { GatewayOptions, GroupGateway } from './group-gateway';

const SECRET = Buffer.alloc(32, 7);
const partition = {
  local: { numDevices: 6, numClasses: 3 } as LocalAggregatorRuntime,
  modelName: 'cams',
  version: 1,
  featureBytes: 128,
};

/** A raw TCP peer of the gateway: collects the frames it receives and notices the hang-up. */
class Peer {
  readonly frames: Frame[] = [];
  closed = false;
  private readonly reader = new FrameReader();
  private waiting: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      try {
        this.frames.push(...this.reader.push(chunk));
      } catch {
        socket.destroy();
      }
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async open(address: string): Promise<Peer> {
    const at = address.lastIndexOf(':');
    const socket = connect({ host: address.slice(0, at), port: Number(address.slice(at + 1)) });
    await new Promise((resolve) => socket.once('connect', resolve));
    return new Peer(socket);
  }

  private wake(): void {
    for (const w of this.waiting.splice(0)) w();
  }

  /** Waits until `done()` holds (frames arrived, the socket closed) or 3 s pass. */
  async until(done: () => boolean): Promise<void> {
    const deadline = Date.now() + 3000;
    while (!done() && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async challenge(): Promise<Uint8Array> {
    await this.until(() => this.frames.some((f) => f.type === FrameType.Challenge));
    const frame = this.frames.find((f) => f.type === FrameType.Challenge);
    if (!frame || frame.type !== FrameType.Challenge) throw new Error('no CHALLENGE');
    return frame.nonce;
  }

  /** Sends a HELLO as device `deviceIndex`, its proof made with `secret`. */
  async hello(deviceIndex: number, secret: Buffer, deviceNonce = newNonce()) {
    const gatewayNonce = await this.challenge();
    const fields = { deviceIndex, modelName: 'cams', version: 1, featureBytes: 128, numClasses: 3 };
    const proof = helloProof(secret, gatewayNonce, deviceNonce, fields);
    const hello = {
      ...fields,
      nonce: deviceNonce.toString('base64'),
      proof: proof.toString('base64'),
    };
    this.socket.write(encodeFrame({ type: FrameType.Hello, hello }));
    return { gatewayNonce, deviceNonce };
  }

  refusal(): string | undefined {
    const frame = this.frames.find((f) => f.type === FrameType.Refused);
    return frame?.type === FrameType.Refused ? frame.reason : undefined;
  }
}

function newGateway(options: Partial<GatewayOptions> = {}) {
  const warnings: string[] = [];
  const log = new ClientLog(true, 'gateway');
  jest.spyOn(log, 'warn').mockImplementation((_event, message) => void warnings.push(message));
  jest.spyOn(log, 'event').mockImplementation(() => undefined);
  // Only connection handling runs here: the aggregator and the cloud client are never called.
  const gateway = new GroupGateway(partition, {} as CloudTierClient, {
    listen: '127.0.0.1:0',
    expectDevices: 6,
    waitDevicesMs: 0,
    deviceTimeoutMs: 100,
    cloudConcurrency: 1,
    cloudRetry: { baseMs: 1, maxMs: 1, attempts: 1 },
    groupSecret: SECRET,
    maxConnections: 64,
    helloTimeoutMs: 5000,
    log,
    ...options,
  });
  return { gateway, warnings };
}

describe('group gateway facing peers on its port', () => {
  const { gateway, warnings } = newGateway();
  let address: string;
  const peers: Peer[] = [];
  const open = async () => {
    const peer = await Peer.open(address);
    peers.push(peer);
    return peer;
  };

  beforeAll(async () => {
    address = await gateway.listen();
  });
  afterAll(() => {
    for (const peer of peers) peer.socket.destroy();
    gateway.close();
  });

  it('authenticates a device holding the group secret, and proves itself back', async () => {
    const device = await open();
    const { gatewayNonce, deviceNonce } = await device.hello(2, SECRET);
    await device.until(() => device.frames.some((f) => f.type === FrameType.Welcome));
    const welcome = device.frames.find((f) => f.type === FrameType.Welcome);
    expect(welcome?.type).toBe(FrameType.Welcome);
    if (welcome?.type !== FrameType.Welcome) return;
    const expected = welcomeProof(SECRET, gatewayNonce, deviceNonce, 2);
    expect(proofMatches(expected, welcome.proof)).toBe(true);
    expect(
      proofMatches(welcomeProof(Buffer.alloc(32, 8), gatewayNonce, deviceNonce, 2), welcome.proof),
    ).toBe(false);
    expect(gateway.connectedDevices).toEqual([2]);
  });

  it('refuses an impostor without the secret, and a HELLO replayed on another connection', async () => {
    const impostor = await open();
    await impostor.hello(3, Buffer.alloc(32, 9));
    await impostor.until(() => impostor.closed);
    expect(impostor.refusal()).toMatch(/authentication failed/);
    expect(impostor.frames.some((f) => f.type === FrameType.Welcome)).toBe(false);

    // A genuine HELLO recorded on one connection does not open another (the nonce differs).
    const genuine = await open();
    const gatewayNonce = await genuine.challenge();
    const deviceNonce = newNonce();
    const fields = {
      deviceIndex: 4,
      modelName: 'cams',
      version: 1,
      featureBytes: 128,
      numClasses: 3,
    };
    const recorded = encodeFrame({
      type: FrameType.Hello,
      hello: {
        ...fields,
        nonce: deviceNonce.toString('base64'),
        proof: helloProof(SECRET, gatewayNonce, deviceNonce, fields).toString('base64'),
      },
    });
    const replay = await open();
    await replay.challenge();
    replay.socket.write(recorded);
    await replay.until(() => replay.closed);
    expect(replay.refusal()).toMatch(/authentication failed/);
    expect(gateway.connectedDevices).toEqual([2]);
  });

  it('takes one device per connection: a second HELLO as another device is refused', async () => {
    const device = await open();
    const { deviceNonce } = await device.hello(5, SECRET);
    await device.until(() => gateway.connectedDevices.includes(5));
    const gatewayNonce = await device.challenge();
    const other = {
      deviceIndex: 1,
      modelName: 'cams',
      version: 1,
      featureBytes: 128,
      numClasses: 3,
    };
    device.socket.write(
      encodeFrame({
        type: FrameType.Hello,
        hello: {
          ...other,
          nonce: deviceNonce.toString('base64'),
          proof: helloProof(SECRET, gatewayNonce, deviceNonce, other).toString('base64'),
        },
      }),
    );
    await device.until(() => device.closed);
    expect(device.refusal()).toMatch(/one device per connection: this connection is device 5/);
    expect(gateway.connectedDevices).toEqual([2]);
  });

  it('drops a peer whose HELLO is JSON but not a hello, or data before its HELLO', async () => {
    const json = Buffer.from('null', 'utf8');
    const bad = Buffer.alloc(5 + json.length);
    bad.writeUInt32BE(1 + json.length, 0);
    bad.writeUInt8(FrameType.Hello, 4);
    json.copy(bad, 5);
    const peer = await open();
    peer.socket.write(bad);
    await peer.until(() => peer.closed);
    expect(warnings.join('\n')).toContain('HELLO frame is not');

    const eager = await open();
    eager.socket.write(
      encodeFrame({ type: FrameType.Scores, sample: 0, scores: new Float32Array(3) }),
    );
    await eager.until(() => eager.closed);
    expect(warnings.join('\n')).toContain('data before an accepted HELLO');
  });

  it('drops a frame over its bound from the header: a half-sent 1 MiB frame holds nothing', async () => {
    const peer = await open();
    const header = Buffer.alloc(5);
    header.writeUInt32BE((1 << 20) - 1, 0);
    header.writeUInt8(FrameType.Hello, 4);
    peer.socket.write(header);
    await peer.until(() => peer.closed);
    expect(peer.closed).toBe(true);
    expect(warnings.join('\n')).toMatch(/over its 1024-byte bound/);
  });
});

describe('group gateway connection bounds', () => {
  it('drops a peer that sends no HELLO in time, and closes connections past the cap', async () => {
    const { gateway, warnings } = newGateway({ maxConnections: 3, helloTimeoutMs: 400 });
    const address = await gateway.listen();
    try {
      const idle = await Promise.all([1, 2, 3].map(() => Peer.open(address)));
      await Promise.all(idle.map((p) => p.challenge()));
      const extra = await Peer.open(address);
      await extra.until(() => extra.closed);
      expect(extra.closed).toBe(true);
      expect(extra.frames).toEqual([]);
      expect(warnings.join('\n')).toContain('3 connections are open (maxConnections)');
      expect(idle.every((p) => !p.closed)).toBe(true);

      for (const p of idle) await p.until(() => p.closed);
      expect(idle.every((p) => p.closed)).toBe(true);
      expect(warnings.join('\n')).toContain('sent no accepted HELLO within 400 ms');

      // Room again: a device that authenticates in time stays.
      const device = await Peer.open(address);
      await device.hello(0, SECRET);
      await device.until(() => gateway.connectedDevices.includes(0));
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(device.closed).toBe(false);
      expect(gateway.connectedDevices).toEqual([0]);
      device.socket.destroy();
    } finally {
      gateway.close();
    }
  }, 10_000);
});
