import { connect, Socket } from 'node:net';
import type { DeviceRuntime } from '@ddnn/device-runtime';
import type { MultiViewDataset } from '@ddnn/datasets';
import { backoffDelay, sleep } from '../platform/retry';
import { ClientLog } from '../ui/client-log';
import { deviceView } from '../input/sample-source';
import { helloProof, newNonce, proofMatches, welcomeProof } from '../wire/device-link-auth';
import {
  encodeFrame,
  Frame,
  FrameReader,
  FrameType,
  GATEWAY_FRAME_BOUNDS,
} from '../wire/group-frames';

export interface RunningPartition {
  runtime: DeviceRuntime;
  modelName: string;
  version: number;
}

export interface DeviceCounters {
  samples: number;
  featureRequests: number;
  /** Bytes this device wrote to the gateway connection (frames, HELLO included). */
  bytesSent: number;
}

export interface DeviceNodeOptions {
  gatewayAddress: string;
  deviceIndex: number;
  dataset: MultiViewDataset;
  retryBaseMs: number;
  retryMaxMs: number;
  /** The device group's secret (groupSecretKey of the registration's groupSecret). */
  groupSecret: Buffer;
  log: ClientLog;
  onActivity?: () => void;
}

/** The nonces of the current connection, once the gateway sent its CHALLENGE. */
interface LinkNonces {
  gateway: Uint8Array;
  device: Uint8Array;
}

/** Features kept for WANT requests: the gateway asks right after the scores, so a few suffice. */
const FEATURE_CACHE = 64;

/**
 * An end device: connects to its gateway (reconnecting with backoff while it is away), runs its
 * partition on the view the gateway asks for, answers with class scores, and with its
 * bit-packed feature map when the gateway asks again (the group did not exit locally).
 */
export class DeviceNode {
  readonly counters: DeviceCounters = { samples: 0, featureRequests: 0, bytesSent: 0 };
  private partition: RunningPartition;
  private socket: Socket | null = null;
  private nonces: LinkNonces | null = null;
  private readonly features = new Map<number, Uint8Array>();

  constructor(
    partition: RunningPartition,
    private readonly options: DeviceNodeOptions,
  ) {
    this.partition = partition;
  }

  /**
   * Swaps in a new partition; the gateway learns the version from a new HELLO. Features already
   * computed stay: a WANT for a sample captured before the swap gets the old version's features,
   * matching the scores it sent.
   */
  replacePartition(partition: RunningPartition): void {
    this.partition = partition;
    if (this.socket && this.nonces) {
      this.send(this.socket, { type: FrameType.Hello, hello: this.hello(this.nonces) });
    }
  }

  /** HELLO with the proof over both nonces and every field (device-link-auth.ts). */
  private hello(nonces: LinkNonces) {
    const p = this.partition;
    const fields = {
      deviceIndex: this.options.deviceIndex,
      modelName: p.modelName,
      version: p.version,
      featureBytes: p.runtime.featureBytes,
      numClasses: p.runtime.numClasses,
    };
    const proof = helloProof(this.options.groupSecret, nonces.gateway, nonces.device, fields);
    return {
      ...fields,
      nonce: Buffer.from(nonces.device).toString('base64'),
      proof: proof.toString('base64'),
    };
  }

  private send(socket: Socket, frame: Frame): void {
    const bytes = encodeFrame(frame);
    this.counters.bytesSent += bytes.length;
    socket.write(bytes);
  }

  /** Serves the gateway until it sends END; resolves then. Rejects when the gateway refuses it. */
  async run(signal: AbortSignal): Promise<void> {
    const [host, port] = splitAddress(this.options.gatewayAddress);
    for (let attempt = 0; !signal.aborted; attempt++) {
      const outcome = await this.session(host, port, signal);
      if (outcome === 'end') return;
      if (outcome === 'served') attempt = 0;
      const delay = backoffDelay(attempt, this.options.retryBaseMs, this.options.retryMaxMs);
      this.options.log.event(
        'gateway-unreachable',
        { gateway: this.options.gatewayAddress, retryInMs: delay },
        `gateway ${this.options.gatewayAddress} not reachable, retrying in ${delay} ms`,
      );
      await sleep(delay, signal);
    }
  }

  private session(
    host: string,
    port: number,
    signal: AbortSignal,
  ): Promise<'end' | 'lost' | 'served'> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.setNoDelay(true);
      const reader = new FrameReader(GATEWAY_FRAME_BOUNDS);
      let served = false;
      let finished = false;
      let nonces: LinkNonces | null = null;
      let welcomed = false;
      const finish = (outcome: 'end' | 'lost' | 'served' | Error) => {
        if (finished) return;
        finished = true;
        this.socket = null;
        this.nonces = null;
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const onAbort = () => finish('end');
      signal.addEventListener('abort', onAbort, { once: true });
      socket.on('connect', () => {
        this.socket = socket;
        this.options.log.event('gateway-connected', { gateway: this.options.gatewayAddress });
        // HELLO waits for the gateway's CHALLENGE: its proof covers the gateway's nonce.
      });
      const dropGateway = (message: string) => {
        this.options.log.warn('gateway-not-authenticated', message);
        finish(served ? 'served' : 'lost');
      };
      socket.on('data', (chunk: Buffer) => {
        let frames: Frame[];
        try {
          frames = reader.push(chunk);
        } catch (error) {
          this.options.log.warn('protocol-error', (error as Error).message);
          return finish(served ? 'served' : 'lost');
        }
        for (const frame of frames) {
          if (frame.type === FrameType.Challenge) {
            if (nonces) return dropGateway('the gateway sent a second CHALLENGE');
            nonces = { gateway: frame.nonce, device: newNonce() };
            this.nonces = nonces;
            this.send(socket, { type: FrameType.Hello, hello: this.hello(nonces) });
            continue;
          }
          if (frame.type === FrameType.Welcome) {
            const expected =
              nonces &&
              welcomeProof(
                this.options.groupSecret,
                nonces.gateway,
                nonces.device,
                this.options.deviceIndex,
              );
            if (!expected || !proofMatches(expected, frame.proof)) {
              return dropGateway(
                'the gateway could not prove it holds the group secret: not answering it',
              );
            }
            welcomed = true;
            continue;
          }
          if (frame.type === FrameType.End) return finish('end');
          if (frame.type === FrameType.Refused) {
            return finish(new Error(`the gateway refused this device: ${frame.reason}`));
          }
          if (!welcomed) {
            return dropGateway('the gateway asked for data before proving the group secret');
          }
          if (frame.type === FrameType.Capture || frame.type === FrameType.Want) {
            served = true;
            this.answer(socket, frame.type, frame.sample);
          }
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => finish(served ? 'served' : 'lost'));
    });
  }

  private answer(socket: Socket, type: FrameType.Capture | FrameType.Want, sample: number): void {
    const dataset = this.options.dataset;
    if (sample >= dataset.numSamples) {
      this.options.log.warn(
        'unknown-sample',
        `the gateway asked for sample ${sample}; this device has ${dataset.numSamples}`,
      );
      return;
    }
    if (type === FrameType.Want) {
      this.counters.featureRequests++;
      const features = this.features.get(sample) ?? this.infer(sample).features;
      this.send(socket, { type: FrameType.Features, sample, features });
    } else {
      this.counters.samples++;
      const { scores } = this.infer(sample);
      this.send(socket, { type: FrameType.Scores, sample, scores });
    }
    this.options.onActivity?.();
  }

  private infer(sample: number): { scores: Float32Array; features: Uint8Array } {
    const view = deviceView(this.options.dataset, sample, this.options.deviceIndex);
    const output = this.partition.runtime.run(view);
    this.features.set(sample, output.features);
    if (this.features.size > FEATURE_CACHE) {
      this.features.delete(this.features.keys().next().value as number);
    }
    return output;
  }
}

export function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at).replace(/^\[|\]$/g, ''), Number(address.slice(at + 1))];
}
