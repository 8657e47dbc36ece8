import { z } from 'zod';

/**
 * The device -> gateway transport: one TCP connection per device, carrying length-prefixed
 * binary frames (no HTTP: a 12-byte score vector must not pay for ~150 bytes of headers).
 *
 *   frame   = u32 length (big-endian, of type + body) | u8 type | body
 *   CHALLENGE  gateway -> device  body = 32-byte nonce (first frame on every connection)
 *   HELLO      device -> gateway  body = UTF-8 JSON { deviceIndex, modelName, version, featureBytes,
 *                                 numClasses, nonce, proof } (device-link-auth.ts; at most 1 KiB)
 *   WELCOME    gateway -> device  body = 32-byte proof that the gateway holds the group secret
 *   CAPTURE    gateway -> device  body = u32 sample
 *   SCORES     device -> gateway  body = u32 sample | numClasses x f32 (little-endian) raw class scores
 *   WANT       gateway -> device  body = u32 sample   (the group did not exit locally: send features)
 *   FEATURES   device -> gateway  body = u32 sample | featureBytes bytes (bit-packed feature map)
 *   END        gateway -> device  body = empty        (the run is over; the device exits)
 *   REFUSED    gateway -> device  body = UTF-8 reason (the gateway will not use this device)
 *
 * Every frame type has a size bound, checked from the length prefix before its body is buffered
 * (a peer cannot make the other end hold a large half-sent frame); see FrameReader.
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
  Challenge = 8,
  Welcome = 9,
}

/** Bytes a frame adds to its payload: length prefix, type and the sample number. */
export const FRAME_OVERHEAD = 4 + 1 + 4;
const MAX_FRAME = 1 << 20;
/** Largest HELLO and REFUSED body (JSON fields, a reason): far above what they need. */
export const HELLO_MAX_BYTES = 1024;
export const REFUSED_MAX_BYTES = 1024;

const base64Of = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64')
    .refine((text) => Buffer.from(text, 'base64').length === bytes, `expected ${bytes} bytes`);

const helloSchema = z.object({
  deviceIndex: z.number().int().min(0),
  modelName: z.string(),
  version: z.number().int().min(1),
  featureBytes: z.number().int().min(1),
  numClasses: z.number().int().min(1),
  /** The device's nonce (base64, 32 bytes) and its proof over both nonces and these fields. */
  nonce: base64Of(32),
  proof: base64Of(32),
});

export type HelloBody = z.infer<typeof helloSchema>;

export type Frame =
  | { type: FrameType.Hello; hello: HelloBody }
  | { type: FrameType.Capture | FrameType.Want; sample: number }
  | { type: FrameType.Scores; sample: number; scores: Float32Array }
  | { type: FrameType.Features; sample: number; features: Uint8Array }
  | { type: FrameType.End }
  | { type: FrameType.Refused; reason: string }
  | { type: FrameType.Challenge; nonce: Uint8Array }
  | { type: FrameType.Welcome; proof: Uint8Array };

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
    case FrameType.Challenge:
      return frame(f.type, f.nonce);
    case FrameType.Welcome:
      return frame(f.type, f.proof);
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
          `HELLO frame is not { deviceIndex, modelName, version, featureBytes, numClasses, nonce, proof }: ${issue.path.join('.') || 'body'}: ${issue.message}`,
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
    case FrameType.Challenge:
      if (body.length !== 32)
        throw new FrameError(`CHALLENGE of ${body.length} bytes, expected 32`);
      return { type, nonce: new Uint8Array(body) };
    case FrameType.Welcome:
      if (body.length !== 32) throw new FrameError(`WELCOME of ${body.length} bytes, expected 32`);
      return { type, proof: new Uint8Array(body) };
    default:
      throw new FrameError(`unknown frame type ${type}`);
  }
}

/**
 * Largest body the receiving end accepts per frame type; a type it does not expect maps to
 * undefined (refused at once, whatever its size).
 */
export type FrameBodyBounds = (type: number) => number | undefined;

/** What a device accepts from its gateway. */
export const GATEWAY_FRAME_BOUNDS: FrameBodyBounds = (type) =>
  ({
    [FrameType.Challenge]: 32,
    [FrameType.Welcome]: 32,
    [FrameType.Capture]: 4,
    [FrameType.Want]: 4,
    [FrameType.End]: 0,
    [FrameType.Refused]: REFUSED_MAX_BYTES,
  })[type];

/** What a gateway accepts from a device of a model with these sizes. */
export function deviceFrameBounds(
  sizes: () => {
    numClasses: number;
    featureBytes: number;
  },
): FrameBodyBounds {
  return (type) => {
    if (type === FrameType.Hello) return HELLO_MAX_BYTES;
    if (type === FrameType.Scores) return 4 + 4 * sizes().numClasses;
    if (type === FrameType.Features) return 4 + sizes().featureBytes;
    return undefined;
  };
}

/**
 * Reassembles frames from TCP chunks (a chunk may hold part of a frame or several frames). With
 * bounds, a frame's type and length are checked as soon as its 5-byte header arrives.
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly bounds?: FrameBodyBounds) {}

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Frame[] = [];
    while (this.pending.length >= 5) {
      const length = this.pending.readUInt32BE(0);
      if (length < 1 || length > MAX_FRAME) throw new FrameError(`bad frame length ${length}`);
      const type = this.pending.readUInt8(4);
      if (this.bounds) {
        const bound = this.bounds(type);
        if (bound === undefined) throw new FrameError(`unexpected frame type ${type}`);
        if (length - 1 > bound) {
          throw new FrameError(
            `frame type ${type} of ${length - 1} bytes is over its ${bound}-byte bound`,
          );
        }
      }
      if (this.pending.length < 4 + length) break;
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
