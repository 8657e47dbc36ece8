import { createServer, Server, Socket } from 'node:net';
import type { LocalAggregatorRuntime } from '@ddnn/device-runtime';
import { PlatformError } from '../platform/platform-errors';
import { isTransient, RetryOptions, withRetry } from '../platform/retry';
import { ClientLog } from '../ui/client-log';
import { splitAddress } from '../device/device-node';
import { helloProof, proofMatches, welcomeProof } from '../wire/device-link-auth';
import { deviceFrameBounds, FRAME_OVERHEAD, FrameType, HelloBody } from '../wire/group-frames';
import { CloudTierClient } from './cloud-tier-client';
import { DeviceSession } from './device-session';

export interface GatewayPartition {
  local: LocalAggregatorRuntime;
  modelName: string;
  version: number;
  featureBytes: number;
}

/** How one sample went: who answered, where it exited, and what it cost on the wire. */
export interface SampleResult {
  sample: number;
  label: number;
  version: number;
  /** local: the group was confident; cloud: the cloud tier answered; local-fallback: the cloud
   * could not be reached, the local answer was used; unanswered: no device answered. */
  exitTier: 'local' | 'cloud' | 'local-fallback' | 'unanswered';
  predictedClass: number | null;
  localEntropy: number | null;
  /** Devices whose scores arrived in time (the others are treated as missing). */
  presentDevices: number[];
  /** Devices whose features reached the cloud call. */
  featureDevices: number[];
  /** Device -> gateway bytes of this sample's frames (framing included) and their payload. */
  deviceWireBytes: number;
  devicePayloadBytes: number;
  /** Gateway -> cloud bytes of this sample's HTTP request, and the tensor payload in it. */
  cloudRequestBytes: number;
  cloudBodyBytes: number;
  cloudPayloadBytes: number;
  cloudResponseBytes: number;
}

export interface GatewayOptions {
  listen: string;
  expectDevices: number;
  waitDevicesMs: number;
  deviceTimeoutMs: number;
  cloudConcurrency: number;
  cloudRetry: RetryOptions;
  /** The device group's secret: a HELLO must prove it (device-link-auth.ts). */
  groupSecret: Buffer;
  /** Open connections at most (authenticated or not); more are closed at once. */
  maxConnections: number;
  /** A connection without an accepted HELLO this long after it opened is dropped. */
  helloTimeoutMs: number;
  log: ClientLog;
}

/**
 * A device group's gateway: devices connect over TCP (group-frames.ts); for each sample it asks
 * every connected device for its class scores, treats a device that is not connected or does
 * not answer within deviceTimeoutMs as missing (as the engine's missingDevices does: it adds
 * nothing to the aggregation), runs the local aggregator and the entropy threshold, answers
 * when confident, and otherwise collects the devices' packed feature maps and asks the cloud.
 */
export class GroupGateway {
  private server: Server | null = null;
  private readonly sessions = new Map<number, DeviceSession>();
  private partition: GatewayPartition;
  private inFlight = new Set<Promise<void>>();
  private fatal: Error | null = null;

  constructor(
    partition: GatewayPartition,
    private readonly cloud: CloudTierClient,
    private readonly options: GatewayOptions,
  ) {
    this.partition = partition;
  }

  replacePartition(partition: GatewayPartition): void {
    this.partition = partition;
  }

  get connectedDevices(): number[] {
    return [...this.sessions.entries()]
      .filter(([, s]) => !s.closed && this.accepts(s.hello))
      .map(([d]) => d)
      .sort((a, b) => a - b);
  }

  async listen(): Promise<string> {
    const [host, port] = splitAddress(this.options.listen);
    this.server = createServer((socket) => this.accept(socket));
    this.server.maxConnections = this.options.maxConnections;
    let lastDropWarning = 0;
    this.server.on('drop', (peer) => {
      if (Date.now() - lastDropWarning < 1000) return;
      lastDropWarning = Date.now();
      this.options.log.warn(
        'connection-refused',
        `${this.options.maxConnections} connections are open (maxConnections): closed a new one from ${peer?.remoteAddress ?? 'a peer'}`,
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const address = this.server.address();
    return typeof address === 'object' && address ? `${host}:${address.port}` : this.options.listen;
  }

  /** Waits until `expectDevices` devices said HELLO with this version, or the wait runs out. */
  async waitForDevices(): Promise<number[]> {
    const deadline = Date.now() + this.options.waitDevicesMs;
    while (this.connectedDevices.length < this.options.expectDevices && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.connectedDevices;
  }

  private async waitForAnyDevice(): Promise<number[]> {
    const deadline = Date.now() + this.options.waitDevicesMs;
    while (this.connectedDevices.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.connectedDevices;
  }

  private accepts(hello: HelloBody | null): boolean {
    return hello !== null && hello.version === this.partition.version;
  }

  private accept(socket: Socket): void {
    const session = new DeviceSession(
      socket,
      deviceFrameBounds(() => ({
        numClasses: this.partition.local.numClasses,
        featureBytes: this.partition.featureBytes,
      })),
      (s, hello) => this.onHello(s, hello),
      (s, message) => {
        this.options.log.warn('device-protocol-error', message, { device: s.deviceIndex });
        s.close();
      },
    );
    const helloTimer = setTimeout(() => {
      if (session.hello !== null || session.closed) return;
      this.options.log.warn(
        'device-hello-timeout',
        `a peer at ${socket.remoteAddress} sent no accepted HELLO within ${this.options.helloTimeoutMs} ms: dropped`,
      );
      session.close();
    }, this.options.helloTimeoutMs);
    helloTimer.unref();
    socket.on('close', () => {
      clearTimeout(helloTimer);
      const d = session.deviceIndex;
      if (d !== null && this.sessions.get(d) === session) {
        this.options.log.event('device-disconnected', { device: d });
      }
    });
  }

  private onHello(session: DeviceSession, hello: HelloBody): void {
    const p = this.partition;
    const refuse = (reason: string) => {
      this.options.log.warn('device-refused', reason, { device: hello.deviceIndex });
      session.close({ type: FrameType.Refused, reason });
    };
    const deviceNonce = Buffer.from(hello.nonce, 'base64');
    const expected = helloProof(this.options.groupSecret, session.gatewayNonce, deviceNonce, hello);
    if (!proofMatches(expected, Buffer.from(hello.proof, 'base64'))) {
      return refuse(
        "authentication failed: the HELLO does not prove this device group's secret (a device gets it when it registers with the platform for this gateway's model)",
      );
    }
    if (session.hello !== null && session.hello.deviceIndex !== hello.deviceIndex) {
      return refuse(
        `one device per connection: this connection is device ${session.hello.deviceIndex}, a HELLO as device ${hello.deviceIndex} is refused`,
      );
    }
    if (hello.modelName !== p.modelName) {
      return refuse(
        `this gateway serves model "${p.modelName}", the device runs "${hello.modelName}"`,
      );
    }
    if (!(
      Number.isInteger(hello.deviceIndex) &&
      hello.deviceIndex >= 0 &&
      hello.deviceIndex < p.local.numDevices
    )) {
      return refuse(
        `device index ${hello.deviceIndex} is not a device of this model (0..${p.local.numDevices - 1})`,
      );
    }
    if (hello.featureBytes !== p.featureBytes || hello.numClasses !== p.local.numClasses) {
      return refuse(
        `the device sends ${hello.featureBytes}-byte feature maps and ${hello.numClasses} scores; this gateway expects ${p.featureBytes} and ${p.local.numClasses}`,
      );
    }
    const existing = this.sessions.get(hello.deviceIndex);
    if (existing && existing !== session && !existing.closed) {
      return refuse(`device ${hello.deviceIndex} is already connected`);
    }
    const first = session.hello === null;
    session.hello = hello;
    this.sessions.set(hello.deviceIndex, session);
    if (first) {
      const proof = welcomeProof(
        this.options.groupSecret,
        session.gatewayNonce,
        deviceNonce,
        hello.deviceIndex,
      );
      session.send({ type: FrameType.Welcome, proof });
    }
    if (hello.version !== p.version) {
      this.options.log.warn(
        'device-version-mismatch',
        `device ${hello.deviceIndex} runs version ${hello.version}, the gateway ${p.version}: treated as missing until they match`,
        { device: hello.deviceIndex },
      );
    }
    this.options.log.event('device-connected', {
      device: hello.deviceIndex,
      version: hello.version,
    });
  }

  /** Bytes each device has written on its connection so far (frames of every kind). */
  deviceSocketBytes(): Record<number, number> {
    return Object.fromEntries([...this.sessions].map(([d, s]) => [d, s.bytesReceived]));
  }

  /**
   * One sample through the group. The local part runs now; a cloud call, if needed, runs in
   * the background (at most cloudConcurrency at a time) and `onResult` gets the result then.
   */
  async process(sample: number, label: number, onResult: (r: SampleResult) => void): Promise<void> {
    if (this.fatal) throw this.fatal;
    const p = this.partition;
    const V = p.local.numDevices;
    const C = p.local.numClasses;
    const result: SampleResult = {
      sample,
      label,
      version: p.version,
      exitTier: 'unanswered',
      predictedClass: null,
      localEntropy: null,
      presentDevices: [],
      featureDevices: [],
      deviceWireBytes: 0,
      devicePayloadBytes: 0,
      cloudRequestBytes: 0,
      cloudBodyBytes: 0,
      cloudPayloadBytes: 0,
      cloudResponseBytes: 0,
    };
    // With no device at all (all away, or all still on another version after an update), wait
    // for one rather than running through the samples unanswered.
    const active = this.connectedDevices.length
      ? this.connectedDevices
      : await this.waitForAnyDevice();
    const scores: (Float32Array | null)[] = new Array(V).fill(null);
    const answers = await Promise.all(
      active.map((d) =>
        this.sessions.get(d)!.request(FrameType.Capture, sample, this.options.deviceTimeoutMs),
      ),
    );
    answers.forEach((a, i) => {
      if (a instanceof Float32Array && a.length === C) {
        scores[active[i]] = a;
        result.presentDevices.push(active[i]);
        result.deviceWireBytes += FRAME_OVERHEAD + 4 * C;
        result.devicePayloadBytes += 4 * C;
      }
    });
    if (result.presentDevices.length === 0) {
      onResult(result);
      return;
    }
    const decision = p.local.decide(p.local.aggregate(scores));
    result.localEntropy = decision.entropy;
    result.predictedClass = decision.predictedClass;
    if (decision.exit) {
      result.exitTier = 'local';
      onResult(result);
      return;
    }
    const features: (Uint8Array | null)[] = new Array(V).fill(null);
    const sent = await Promise.all(
      result.presentDevices.map((d) =>
        this.sessions.get(d)!.request(FrameType.Want, sample, this.options.deviceTimeoutMs),
      ),
    );
    sent.forEach((f, i) => {
      if (f instanceof Uint8Array && f.length === p.featureBytes) {
        features[result.presentDevices[i]] = f;
        result.featureDevices.push(result.presentDevices[i]);
        result.deviceWireBytes += FRAME_OVERHEAD + f.length;
        result.devicePayloadBytes += f.length;
      }
    });
    if (result.featureDevices.length === 0) {
      result.exitTier = 'local-fallback';
      onResult(result);
      return;
    }
    while (this.inFlight.size >= this.options.cloudConcurrency) await Promise.race(this.inFlight);
    const call = this.askCloud(p, features, result)
      .then(onResult)
      .finally(() => this.inFlight.delete(call));
    this.inFlight.add(call);
  }

  private async askCloud(
    p: GatewayPartition,
    features: (Uint8Array | null)[],
    result: SampleResult,
  ): Promise<SampleResult> {
    try {
      const answer = await withRetry(
        () => this.cloud.infer(p.version, features, p.featureBytes),
        this.options.cloudRetry,
      );
      return {
        ...result,
        exitTier: 'cloud',
        predictedClass: answer.predictedClass,
        cloudRequestBytes: answer.requestBytes,
        cloudBodyBytes: answer.bodyBytes,
        cloudPayloadBytes: answer.payloadBytes,
        cloudResponseBytes: answer.responseBytes,
      };
    } catch (error) {
      if (error instanceof PlatformError && error.isAuthFailure) this.fatal = error;
      else if (!isTransient(error)) this.fatal = error as Error;
      this.options.log.warn(
        'cloud-unavailable',
        `sample ${result.sample}: ${(error as Error).message}; answering with the local exit`,
      );
      return { ...result, exitTier: 'local-fallback' };
    }
  }

  /** Waits for the cloud calls still running; rethrows a credential refusal seen by any. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    if (this.fatal) throw this.fatal;
  }

  /**
   * Tells every device the run is over (they exit) and stops listening. Does not wait for
   * devices to hang up: a frozen device must not hold the gateway; its connection is dropped.
   */
  close(): void {
    for (const session of this.sessions.values()) session.close({ type: FrameType.End });
    this.server?.close();
  }
}
