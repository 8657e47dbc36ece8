import {
  encodeFrame,
  Frame,
  FRAME_OVERHEAD,
  FrameError,
  FrameReader,
  FrameType,
} from './group-frames';

describe('group frames (device <-> gateway wire format)', () => {
  const frames: Frame[] = [
    {
      type: FrameType.Hello,
      hello: { deviceIndex: 3, modelName: 'cams', version: 2, featureBytes: 128, numClasses: 3 },
    },
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
    expect(encodeFrame(frames[2]).length).toBe(12 + FRAME_OVERHEAD);
    expect(encodeFrame(frames[4]).length).toBe(128 + FRAME_OVERHEAD);
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
});
