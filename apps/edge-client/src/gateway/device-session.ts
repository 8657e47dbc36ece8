import type { Socket } from 'node:net';
import { encodeFrame, Frame, FrameReader, FrameType, HelloBody } from '../wire/group-frames';

type Answer = Float32Array | Uint8Array;

interface Waiter {
  resolve: (value: Answer | null) => void;
  timer: NodeJS.Timeout;
}

/**
 * The gateway's end of one device connection: its HELLO, the frames it sent per sample, and
 * the bytes it put on the wire (counted from the frames received, framing included).
 */
export class DeviceSession {
  hello: HelloBody | null = null;
  closed = false;
  /** Every byte this device wrote on its connection (HELLO and late frames included). */
  bytesReceived = 0;
  private readonly reader = new FrameReader();
  private readonly waiters = new Map<string, Waiter>();

  constructor(
    readonly socket: Socket,
    private readonly onHello: (session: DeviceSession, hello: HelloBody) => void,
    private readonly onProblem: (session: DeviceSession, message: string) => void,
  ) {
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
    let frames: Frame[];
    try {
      frames = this.reader.push(chunk);
    } catch (error) {
      this.onProblem(this, `protocol error: ${(error as Error).message}`);
      return;
    }
    for (const frame of frames) {
      if (frame.type === FrameType.Hello) {
        this.hello = frame.hello;
        this.onHello(this, frame.hello);
        continue;
      }
      if (frame.type !== FrameType.Scores && frame.type !== FrameType.Features) {
        this.onProblem(this, `unexpected frame type ${frame.type} from a device`);
        continue;
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
