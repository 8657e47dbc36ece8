import { z } from 'zod';

/**
 * The device -> gateway transport: one TCP connection per device, carrying length-prefixed
 * binary frames (no HTTP: a 12-byte score vector must not pay for ~150 bytes of headers).
 *
 *   frame   = u32 length (big-endian, of type + body) | u8 type | body
 *   HELLO      device -> gateway  body = UTF-8 JSON { deviceIndex, modelName, version, featureBytes, numClasses }
 *   CAPTURE    gateway -> device  body = u32 sample
 *   SCORES     device -> gateway  body = u32 sample | numClasses x f32 (little-endian) raw class scores
 *   WANT       gateway -> device  body = u32 sample   (the group did not exit locally: send features)
 *   FEATURES   device -> gateway  body = u32 sample | featureBytes bytes (bit-packed feature map)
 *   END        gateway -> device  body = empty        (the run is over; the device exits)
 *   REFUSED    gateway -> device  body = UTF-8 reason (the gateway will not use this device)
 *
 * So per sample a device sends 9 + 4|C| bytes, plus 9 + featureBytes when the sample goes to
 * the cloud: the communication formula's payload plus 9 bytes of framing per frame.
 */
export enum FrameType {
  Hello = 1,
  Capture = 2,
  Scores = 3,
  Want = 4,
  Features = 5,
  End = 6,
  Refused = 7,
}

/** Bytes a frame adds to its payload: length prefix, type and the sample number. */
export const FRAME_OVERHEAD = 4 + 1 + 4;
const MAX_FRAME = 1 << 20;

const helloSchema = z.object({
  deviceIndex: z.number().int().min(0),
  modelName: z.string(),
  version: z.number().int().min(1),
  featureBytes: z.number().int().min(1),
  numClasses: z.number().int().min(1),
});

export type HelloBody = z.infer<typeof helloSchema>;

export type Frame =
  | { type: FrameType.Hello; hello: HelloBody }
  | { type: FrameType.Capture | FrameType.Want; sample: number }
  | { type: FrameType.Scores; sample: number; scores: Float32Array }
  | { type: FrameType.Features; sample: number; features: Uint8Array }
  | { type: FrameType.End }
  | { type: FrameType.Refused; reason: string };

export class FrameError extends Error {}

function frame(type: FrameType, body: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + body.length);
  out.writeUInt32BE(1 + body.length, 0);
  out.writeUInt8(type, 4);
  out.set(body, 5);
  return out;
}

function withSample(sample: number, payload: Uint8Array): Uint8Array {
  const body = Buffer.alloc(4 + payload.length);
  body.writeUInt32BE(sample, 0);
  body.set(payload, 4);
  return body;
}

export function encodeFrame(f: Frame): Buffer {
  switch (f.type) {
    case FrameType.Hello:
      return frame(f.type, Buffer.from(JSON.stringify(f.hello), 'utf8'));
    case FrameType.Capture:
    case FrameType.Want:
      return frame(f.type, withSample(f.sample, new Uint8Array(0)));
    case FrameType.Scores: {
      const scores = Buffer.alloc(4 * f.scores.length);
      f.scores.forEach((s, i) => scores.writeFloatLE(s, 4 * i));
      return frame(f.type, withSample(f.sample, scores));
    }
    case FrameType.Features:
      return frame(f.type, withSample(f.sample, f.features));
    case FrameType.End:
      return frame(f.type, new Uint8Array(0));
    case FrameType.Refused:
      return frame(f.type, Buffer.from(f.reason, 'utf8'));
  }
}

function decodeBody(type: number, body: Buffer): Frame {
  const sampleOf = () => {
    if (body.length < 4) throw new FrameError(`frame type ${type} without a sample number`);
    return body.readUInt32BE(0);
  };
  switch (type) {
    case FrameType.Hello: {
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        throw new FrameError('HELLO frame is not JSON');
      }
      // Any peer can connect to a gateway: a HELLO that is not the expected object must be a
      // protocol error, not a TypeError thrown later in a socket handler (that ends the process).
      const hello = helloSchema.safeParse(json);
      if (!hello.success) {
        const issue = hello.error.issues[0];
        throw new FrameError(
          `HELLO frame is not { deviceIndex, modelName, version, featureBytes, numClasses }: ${issue.path.join('.') || 'body'}: ${issue.message}`,
        );
      }
      return { type, hello: hello.data };
    }
    case FrameType.Capture:
    case FrameType.Want:
      return { type, sample: sampleOf() };
    case FrameType.Scores: {
      const sample = sampleOf();
      if ((body.length - 4) % 4 !== 0) throw new FrameError('SCORES frame of a partial float');
      const scores = new Float32Array((body.length - 4) / 4);
      for (let i = 0; i < scores.length; i++) scores[i] = body.readFloatLE(4 + 4 * i);
      return { type, sample, scores };
    }
    case FrameType.Features:
      return { type, sample: sampleOf(), features: new Uint8Array(body.subarray(4)) };
    case FrameType.End:
      return { type };
    case FrameType.Refused:
      return { type, reason: body.toString('utf8') };
    default:
      throw new FrameError(`unknown frame type ${type}`);
  }
}

/** Reassembles frames from TCP chunks (a chunk may hold part of a frame or several frames). */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Frame[] = [];
    while (this.pending.length >= 5) {
      const length = this.pending.readUInt32BE(0);
      if (length < 1 || length > MAX_FRAME) throw new FrameError(`bad frame length ${length}`);
      if (this.pending.length < 4 + length) break;
      const type = this.pending.readUInt8(4);
      frames.push(decodeBody(type, this.pending.subarray(5, 4 + length)));
      this.pending = this.pending.subarray(4 + length);
    }
    return frames;
  }
}

/** Wire size of a frame: what it costs on the TCP stream. */
export function frameBytes(f: Frame): number {
  return encodeFrame(f).length;
}
