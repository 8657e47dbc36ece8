import { DomainError, ErrorCode } from '../common/domain-error';
import { checkSampleLimit, splitRequest } from './request-batches';
import type { FeaturesRequest } from './request-decoding';

describe('request batches', () => {
  it('refuses more samples than the limit with 413 naming INFERENCE_MAX_SAMPLES', () => {
    const request = {
      inputs: [
        { name: 'device_features', datatype: 'UINT8' as const, shape: [21000, 6, 128], data: [] },
      ],
    };
    let error: unknown;
    try {
      checkSampleLimit(request, 1024);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(ErrorCode.PayloadTooLarge);
    expect((error as DomainError).message).toMatch(
      /21000 samples.*at most 1024.*INFERENCE_MAX_SAMPLES/,
    );
    expect(() => checkSampleLimit(request, 21000)).not.toThrow();
  });

  it('splits into chunks of at most maxBatch samples, as views on the same data', () => {
    const B = 2;
    const features = [new Uint8Array(5 * B).map((_, i) => i), null];
    const request: FeaturesRequest = {
      mode: 'features',
      numSamples: 5,
      features,
      presentKey: '10',
    };
    const chunks = splitRequest(request, 2, B) as FeaturesRequest[];
    expect(chunks.map((c) => c.numSamples)).toEqual([2, 2, 1]);
    expect(chunks.map((c) => Array.from(c.features[0]!))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect(chunks.every((c) => c.features[1] === null)).toBe(true);
    expect(chunks[1].features[0]!.buffer).toBe(features[0]!.buffer);
    expect(splitRequest(request, 5, B)).toEqual([request]);
  });
});
