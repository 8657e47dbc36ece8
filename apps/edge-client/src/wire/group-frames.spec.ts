import {
  encodeFrame,
  Frame,
  FRAME_OVERHEAD,
  FrameError,
  FrameReader,
  FrameType,
  deviceFrameBounds,
  GATEWAY_FRAME_BOUNDS,
} from './group-frames';

const nonce = Buffer.alloc(32, 1).toString('base64');

describe('group frames (device <-> gateway wire format)', () => {
  const frames: Frame[] = [
    {
      type: FrameType.Hello,
      hello: {
        deviceIndex: 3,
        modelName: 'cams',
        version: 2,
        featureBytes: 128,
        numClasses: 3,
        nonce,
        proof: nonce,
      },
    },
    { type: FrameType.Challenge, nonce: Uint8Array.from({ length: 32 }, (_, i) => i) },
    { type: FrameType.Welcome, proof: Uint8Array.from({ length: 32 }, (_, i) => 255 - i) },
    { type: FrameType.Capture, sample: 70000 },
    { type: FrameType.Scores, sample: 7, scores: Float32Array.from([1.5, -0.25, 3e-8]) },
    { type: FrameType.Want, sample: 7 },
    {
      type: FrameType.Features,
      sample: 7,
      features: Uint8Array.from({ length: 128 }, (_, i) => i),
    },
    { type: FrameType.End },
    { type: FrameType.Refused, reason: 'device 3 is already connected' },
  ];

  it('round-trips every frame type, however TCP cuts the stream', () => {
    const stream = Buffer.concat(frames.map(encodeFrame));
    for (const cut of [1, 3, 5, 17, stream.length]) {
      const reader = new FrameReader();
      const got: Frame[] = [];
      for (let i = 0; i < stream.length; i += cut)
        got.push(...reader.push(stream.subarray(i, i + cut)));
      expect(got).toEqual(frames);
    }
  });

  it('costs the payload plus 9 bytes for scores and features', () => {
    expect(encodeFrame(frames[4]).length).toBe(12 + FRAME_OVERHEAD);
    expect(encodeFrame(frames[6]).length).toBe(128 + FRAME_OVERHEAD);
    expect(FRAME_OVERHEAD).toBe(9);
  });

  it('refuses garbage with a FrameError', () => {
    expect(() => new FrameReader().push(Buffer.from([0, 0, 0, 0, 1]))).toThrow(FrameError);
    expect(() => new FrameReader().push(Buffer.from([0xff, 0, 0, 0, 1]))).toThrow(
      'bad frame length',
    );
    expect(() => new FrameReader().push(Buffer.from([0, 0, 0, 1, 99]))).toThrow(
      'unknown frame type 99',
    );
    expect(() =>
      new FrameReader().push(Buffer.from([0, 0, 0, 3, FrameType.Capture, 0, 0])),
    ).toThrow('without a sample number');
  });

  it('refuses a HELLO that is JSON but not a hello, naming the field', () => {
    const hello = (body: string) => {
      const json = Buffer.from(body, 'utf8');
      const frame = Buffer.alloc(5 + json.length);
      frame.writeUInt32BE(1 + json.length, 0);
      frame.writeUInt8(FrameType.Hello, 4);
      json.copy(frame, 5);
      return () => new FrameReader().push(frame);
    };
    expect(hello('null')).toThrow(FrameError);
    expect(hello('[1, 2]')).toThrow('HELLO frame is not');
    expect(
      hello('{"deviceIndex":"0","modelName":"cams","version":1,"featureBytes":128,"numClasses":3}'),
    ).toThrow(/deviceIndex/);
    expect(hello('{"deviceIndex":0,"modelName":"cams","version":1,"featureBytes":128}')).toThrow(
      /numClasses/,
    );
  });

  it('bounds every frame type from its 5-byte header, before the body arrives', () => {
    const gatewayReads = new FrameReader(
      deviceFrameBounds(() => ({ numClasses: 3, featureBytes: 128 })),
    );
    const header = (length: number, type: FrameType) => {
      const bytes = Buffer.alloc(5);
      bytes.writeUInt32BE(length + 1, 0);
      bytes.writeUInt8(type, 4);
      return bytes;
    };
    // A 1 MiB FEATURES frame is refused from its header: nothing of its body is buffered.
    expect(() => gatewayReads.push(header(1 << 19, FrameType.Features))).toThrow(
      'frame type 5 of 524288 bytes is over its 132-byte bound',
    );
    expect(() =>
      new FrameReader(deviceFrameBounds(() => ({ numClasses: 3, featureBytes: 128 }))).push(
        header(17, FrameType.Scores),
      ),
    ).toThrow('over its 16-byte bound');
    expect(() =>
      new FrameReader(deviceFrameBounds(() => ({ numClasses: 3, featureBytes: 128 }))).push(
        header(1025, FrameType.Hello),
      ),
    ).toThrow('over its 1024-byte bound');
    expect(() =>
      new FrameReader(deviceFrameBounds(() => ({ numClasses: 3, featureBytes: 128 }))).push(
        header(4, FrameType.Capture),
      ),
    ).toThrow('unexpected frame type 2');
    expect(() => new FrameReader(GATEWAY_FRAME_BOUNDS).push(header(5, FrameType.Want))).toThrow(
      'over its 4-byte bound',
    );
    expect(() => new FrameReader(GATEWAY_FRAME_BOUNDS).push(header(12, FrameType.Scores))).toThrow(
      'unexpected frame type 3',
    );
    // Frames within their bounds pass.
    const ok = new FrameReader(GATEWAY_FRAME_BOUNDS).push(
      Buffer.concat([frames[1], frames[2], frames[5], frames[7], frames[8]].map(encodeFrame)),
    );
    expect(ok.map((f) => f.type)).toEqual([
      FrameType.Challenge,
      FrameType.Welcome,
      FrameType.Want,
      FrameType.End,
      FrameType.Refused,
    ]);
  });
});
