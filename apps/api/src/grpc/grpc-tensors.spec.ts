import { grpcParameters, type GrpcInferRequest, toOipRequest } from './grpc-tensors';

const base: GrpcInferRequest = {
  model_name: 'm',
  model_version: '',
  id: 'r1',
  parameters: {},
  inputs: [],
  outputs: [],
  raw_input_contents: [],
};
const empty = {
  bool_contents: [],
  int_contents: [],
  int64_contents: [],
  uint_contents: [],
  uint64_contents: [],
  fp32_contents: [],
  fp64_contents: [],
  bytes_contents: [],
};

describe('gRPC ModelInferRequest as the REST request', () => {
  it('turns raw_input_contents into the binary tensor data layout, one buffer per input', () => {
    const out = toOipRequest({
      ...base,
      inputs: [
        { name: 'a', datatype: 'UINT8', shape: [1, 2], parameters: {} },
        { name: 'b', datatype: 'BOOL', shape: [1], parameters: {} },
      ],
      outputs: [{ name: 'class', parameters: {} }],
      raw_input_contents: [Buffer.from([7, 8]), Buffer.from([1])],
    });
    if (!('binary' in out)) throw new Error('expected binary');
    const length = Number(out.headerLength);
    expect(JSON.parse(out.binary.subarray(0, length).toString())).toEqual({
      id: 'r1',
      outputs: [{ name: 'class' }],
      inputs: [
        { name: 'a', datatype: 'UINT8', shape: [1, 2], parameters: { binary_data_size: 2 } },
        { name: 'b', datatype: 'BOOL', shape: [1], parameters: { binary_data_size: 1 } },
      ],
    });
    expect([...out.binary.subarray(length)]).toEqual([7, 8, 1]);
    expect(() =>
      toOipRequest({ ...base, inputs: [], raw_input_contents: [Buffer.from([1])] }),
    ).toThrow('raw_input_contents has 1 entries for 0 inputs');
  });

  it('reads typed contents by datatype, and plain parameters from InferParameters', () => {
    const out = toOipRequest({
      ...base,
      id: '',
      parameters: { binary_data_output: { parameter_choice: 'bool_param', bool_param: true } },
      inputs: [
        {
          name: 'views',
          datatype: 'FP32',
          shape: [2],
          parameters: {},
          contents: { ...empty, fp32_contents: [0.5, 1] },
        },
        {
          name: 'device_present',
          datatype: 'BOOL',
          shape: [1],
          parameters: {},
          contents: { ...empty, bool_contents: [true] },
        },
      ],
    });
    expect(out).toEqual({
      json: {
        parameters: { binary_data_output: true },
        inputs: [
          { name: 'views', datatype: 'FP32', shape: [2], data: [0.5, 1] },
          { name: 'device_present', datatype: 'BOOL', shape: [1], data: [true] },
        ],
      },
    });
  });

  it('writes plain values as InferParameters', () => {
    expect(grpcParameters({ a: true, b: 3, c: 0.5, d: 'x', e: [1] })).toEqual({
      a: { bool_param: true },
      b: { int64_param: 3 },
      c: { double_param: 0.5 },
      d: { string_param: 'x' },
      e: { string_param: '[1]' },
    });
  });
});
