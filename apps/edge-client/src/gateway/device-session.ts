import type { Socket } from 'node:net';
import { newNonce } from '../wire/device-link-auth';
import {
  encodeFrame,
  Frame,
  FrameBodyBounds,
  FrameReader,
  FrameType,
  HelloBody,
} from '../wire/group-frames';

type Answer = Float32Array | Uint8Array;

interface Waiter {
  resolve: (value: Answer | null) => void;
  timer: NodeJS.Timeout;
}

/**
 * The gateway's end of one device connection: the CHALLENGE it sent, the HELLO the gateway
 * accepted, the frames it sent per sample, and the bytes it put on the wire (counted from the
 * frames received, framing included). Frames over their type's bound end the connection.
 */
export class DeviceSession {
  /** The HELLO the gateway accepted (authenticated and checked); null until then. */
  hello: HelloBody | null = null;
  closed = false;
  /** Every byte this device wrote on its connection (HELLO and late frames included). */
  bytesReceived = 0;
  /** This connection's CHALLENGE nonce: every HELLO's proof must cover it. */
  readonly gatewayNonce = newNonce();
  private readonly reader: FrameReader;
  private readonly waiters = new Map<string, Waiter>();

  constructor(
    readonly socket: Socket,
    bounds: FrameBodyBounds,
    private readonly onHello: (session: DeviceSession, hello: HelloBody) => void,
    private readonly onProblem: (session: DeviceSession, message: string) => void,
  ) {
    this.reader = new FrameReader(bounds);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      for (const [key, waiter] of this.waiters) {
        clearTimeout(waiter.timer);
        waiter.resolve(null);
        this.waiters.delete(key);
      }
    });
    this.send({ type: FrameType.Challenge, nonce: this.gatewayNonce });
  }

  get deviceIndex(): number | null {
    return this.hello?.deviceIndex ?? null;
  }

  send(frame: Frame): void {
    if (!this.closed) this.socket.write(encodeFrame(frame));
  }

  /** Sends a last frame (if any) and hangs up; a peer that does not read is dropped after 1 s. */
  close(frame?: Frame): void {
    if (frame && !this.closed) {
      this.socket.end(encodeFrame(frame));
      setTimeout(() => this.socket.destroy(), 1000).unref();
    } else this.socket.destroy();
    this.closed = true;
  }

  /** Asks for sample `sample`'s scores (CAPTURE) or features (WANT); null after `timeoutMs`. */
  request(
    type: FrameType.Capture | FrameType.Want,
    sample: number,
    timeoutMs: number,
  ): Promise<Answer | null> {
    const key = `${type === FrameType.Capture ? FrameType.Scores : FrameType.Features}:${sample}`;
    return new Promise((resolve) => {
      if (this.closed) return resolve(null);
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        resolve(null);
      }, timeoutMs);
      this.waiters.set(key, { resolve, timer });
      this.send({ type, sample });
    });
  }

  private receive(chunk: Buffer): void {
    this.bytesReceived += chunk.length;
    if (this.closed) return;
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      this.onProblem(this, `protocol error: ${(error as Error).message}`);
      return;
    }
    for (const frame of frames) {
      if (this.closed) return;
      if (frame.type === FrameType.Hello) {
        this.onHello(this, frame.hello);
        continue;
      }
      if (frame.type !== FrameType.Scores && frame.type !== FrameType.Features) {
        this.onProblem(this, `unexpected frame type ${frame.type} from a device`);
        return;
      }
      if (this.hello === null) {
        this.onProblem(this, 'a device sent data before an accepted HELLO');
        return;
      }
      const value = frame.type === FrameType.Scores ? frame.scores : frame.features;
      const key = `${frame.type}:${frame.sample}`;
      const waiter = this.waiters.get(key);
      if (waiter) {
        clearTimeout(waiter.timer);
        this.waiters.delete(key);
        waiter.resolve(value);
      }
      // else: too late (the sample went on without this device) or unasked; counted, not used
    }
  }
}
