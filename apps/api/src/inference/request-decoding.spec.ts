import { createModel, initEngineBackend, PAPER_MVMC_CONFIG } from '@ddnn/engine';
import { DomainError } from '../common/domain-error';
import { LoadedVersion } from './loaded-version';
import { inferRequestSchema } from './oip-protocol';
import { decodeRequest } from './request-decoding';

describe('decodeRequest', () => {
  let loaded: LoadedVersion;
  beforeAll(async () => {
    await initEngineBackend('cpu');
    loaded = new LoadedVersion(
      'v',
      'm',
      1,
      0.5,
      ['car', 'bus', 'person'],
      createModel(PAPER_MVMC_CONFIG, 1),
    );
  });
  afterAll(() => loaded.evict());

  const decode = (body: unknown) => decodeRequest(inferRequestSchema.parse(body), loaded);
  const errorOf = (body: unknown): DomainError => {
    try {
      decode(body);
    } catch (error) {
      return error as DomainError;
    }
    throw new Error('expected a DomainError');
  };

  it('accepts raw views as flat or nested data', () => {
    const n = 2 * 6 * 32 * 32 * 3;
    const flat = decode({
      inputs: [
        { name: 'views', datatype: 'FP32', shape: [2, 6, 32, 32, 3], data: new Array(n).fill(0.5) },
      ],
    });
    expect(flat).toMatchObject({ mode: 'views', numSamples: 2 });
    const nested = decode({
      inputs: [
        {
          name: 'views',
          datatype: 'FP32',
          shape: [2, 6, 32, 32, 3],
          data: [new Array(n / 2).fill(1), new Array(n / 2).fill(0)],
        },
      ],
    });
    expect(nested.mode === 'views' && nested.pixels[0]).toBe(1);
  });

  it('accepts packed features with a presence mask and splits them per device', () => {
    const bytes = Array.from({ length: 6 * 128 }, (_, i) => i % 256);
    const decoded = decode({
      inputs: [
        { name: 'device_features', datatype: 'UINT8', shape: [1, 6, 128], data: bytes },
        {
          name: 'device_present',
          datatype: 'BOOL',
          shape: [6],
          data: [true, false, true, true, true, true],
        },
      ],
    });
    expect(decoded.mode).toBe('features');
    if (decoded.mode !== 'features') return;
    expect(decoded.features[1]).toBeNull();
    expect(Array.from(decoded.features[2]!.subarray(0, 2))).toEqual([0, 1]);
  });

  it('says what shape, datatype and size were expected', () => {
    expect(
      errorOf({ inputs: [{ name: 'views', datatype: 'FP32', shape: [1, 5, 32, 32, 3], data: [] }] })
        .message,
    ).toContain('shape must be [N, 6, 32, 32, 3], got [1, 5, 32, 32, 3]');
    expect(
      errorOf({
        inputs: [{ name: 'views', datatype: 'INT32', shape: [1, 6, 32, 32, 3], data: [] }],
      }).message,
    ).toContain('datatype must be FP32, got INT32');
    expect(
      errorOf({
        inputs: [{ name: 'views', datatype: 'FP32', shape: [1, 6, 32, 32, 3], data: [1, 2] }],
      }).message,
    ).toContain('holds 18432 values but data has 2');
    expect(
      errorOf({
        inputs: [{ name: 'device_features', datatype: 'UINT8', shape: [1, 6, 100], data: [] }],
      }).message,
    ).toContain('shape must be [N, 6, 128]');
    expect(
      errorOf({
        inputs: [
          {
            name: 'device_features',
            datatype: 'UINT8',
            shape: [1, 6, 128],
            data: new Array(768).fill(256),
          },
        ],
      }).message,
    ).toContain('expected an integer 0..255');
    expect(
      errorOf({ inputs: [{ name: 'pixels', datatype: 'FP32', shape: [1], data: [1] }] }).message,
    ).toContain('send either "views"');
  });
});
