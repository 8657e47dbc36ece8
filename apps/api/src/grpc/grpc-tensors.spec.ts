import {
  decodeBinaryBody,
  encodeBinaryRequest,
  INFERENCE_HEADER_CONTENT_LENGTH,
} from '@ddnn/contracts';
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
  it('turns raw_input_contents into what the binary tensor data layout decodes to, one buffer per input', () => {
    const features = Buffer.from([9, 7, 8]).subarray(1);
    const out = toOipRequest({
      ...base,
      inputs: [
        { name: 'a', datatype: 'UINT8', shape: [1, 2], parameters: {} },
        { name: 'b', datatype: 'BOOL', shape: [1], parameters: {} },
      ],
      outputs: [{ name: 'class', parameters: {} }],
      raw_input_contents: [features, Buffer.from([1])],
    });
    const json = out.json as { inputs: { data: unknown }[] };
    expect(json).toEqual({
      id: 'r1',
      outputs: [{ name: 'class' }],
      inputs: [
        {
          name: 'a',
          datatype: 'UINT8',
          shape: [1, 2],
          parameters: { binary_data_size: 2 },
          data: new Uint8Array([7, 8]),
        },
        {
          name: 'b',
          datatype: 'BOOL',
          shape: [1],
          parameters: { binary_data_size: 1 },
          data: [true],
        },
      ],
    });
    // UINT8 is a view on the received bytes, as decodeBinaryBody's
    const view = json.inputs[0].data as Uint8Array;
    expect(view.buffer).toBe(features.buffer);
    expect(view.byteOffset).toBe(features.byteOffset);
    // the same request as a REST binary body decodes to the same
    const { body, headers } = encodeBinaryRequest([
      { name: 'a', datatype: 'UINT8', shape: [1, 2], bytes: new Uint8Array([7, 8]) },
      { name: 'b', datatype: 'BOOL', shape: [1], bytes: new Uint8Array([1]) },
    ]);
    const rest = decodeBinaryBody(body, headers[INFERENCE_HEADER_CONTENT_LENGTH]) as {
      inputs: unknown[];
    };
    expect(json.inputs).toEqual(rest.inputs);
    expect(() =>
      toOipRequest({ ...base, inputs: [], raw_input_contents: [Buffer.from([1])] }),
    ).toThrow('raw_input_contents has 1 entries for 0 inputs');
  });

  it("answers a raw input decodeBinaryBody would refuse with decodeBinaryBody's errors", () => {
    const raw = (datatype: string, bytes: number[]) => () =>
      toOipRequest({
        ...base,
        inputs: [{ name: 'x', datatype, shape: [1], parameters: {} }],
        raw_input_contents: [Buffer.from(bytes)],
      });
    expect(raw('BYTES', [1])).toThrow(
      'input "x": datatype BYTES cannot be sent as binary data here',
    );
    expect(raw('FP32', [1, 2, 3])).toThrow(
      'input "x": binary_data_size must be a multiple of 4 bytes, got 3',
    );
    expect(raw('BOOL', [2])).toThrow('input "x": BOOL element 0 is the byte 2');
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
