import { inferRequestSchema, isWellFormedInferRequest } from './oip-protocol';

const input = {
  name: 'device_features',
  shape: [1, 6, 128],
  datatype: 'UINT8',
  data: new Uint8Array(768),
};

describe('isWellFormedInferRequest', () => {
  it('accepts the usual requests, which the schema accepts too', () => {
    const requests = [
      { inputs: [input] },
      { id: 'r-1', inputs: [{ ...input, data: [1, 2] }], outputs: [{ name: 'class' }] },
      { parameters: { binary_data_output: true }, inputs: [{ ...input, parameters: {} }] },
      { inputs: [{ ...input, datatype: 'FP32', data: new Float32Array(2) }] },
    ];
    for (const request of requests) {
      expect(isWellFormedInferRequest(request)).toBe(true);
      expect(inferRequestSchema.safeParse(request).success).toBe(true);
    }
  });

  it('leaves every request the schema refuses to the schema', () => {
    const requests: unknown[] = [
      null,
      [],
      'x',
      {},
      { inputs: [] },
      { inputs: [{ ...input, name: '' }] },
      { inputs: [{ ...input, shape: [] }] },
      { inputs: [{ ...input, shape: [1.5] }] },
      { inputs: [{ ...input, shape: [-1] }] },
      { inputs: [{ ...input, shape: [2 ** 60] }] },
      { inputs: [{ ...input, datatype: 'FLOAT' }] },
      { inputs: [{ ...input, data: 'abc' }] },
      { inputs: [{ ...input, data: new Int8Array(2) }] },
      { inputs: [{ ...input, parameters: [] }] },
      { inputs: [input], id: 7 },
      { inputs: [input], id: 'x'.repeat(257) },
      { inputs: [input], parameters: 'p' },
      { inputs: [input], outputs: {} },
      { inputs: [input], outputs: [{}] },
      { inputs: [input], outputs: [{ name: 1 }] },
    ];
    for (const request of requests) {
      expect(isWellFormedInferRequest(request)).toBe(false);
      expect(inferRequestSchema.safeParse(request).success).toBe(false);
    }
  });
});
