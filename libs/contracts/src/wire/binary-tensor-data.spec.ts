import { BinaryTensorDataError, decodeBinaryBody, encodeBinaryRequest } from './binary-tensor-data';

function body(header: object, ...parts: Buffer[]): [Buffer, string] {
  const json = Buffer.from(JSON.stringify(header));
  return [Buffer.concat([json, ...parts]), String(json.length)];
}

describe('decodeBinaryBody', () => {
  it('fills each binary input from the bytes after the JSON header, in order', () => {
    const floats = Buffer.alloc(8);
    floats.writeFloatLE(1.5, 0);
    floats.writeFloatLE(-2, 4);
    const [buf, len] = body(
      {
        inputs: [
          {
            name: 'device_features',
            datatype: 'UINT8',
            shape: [1, 3],
            parameters: { binary_data_size: 3 },
          },
          { name: 'device_present', datatype: 'BOOL', shape: [2], data: [true, false] },
          { name: 'views', datatype: 'FP32', shape: [2], parameters: { binary_data_size: 8 } },
        ],
      },
      Buffer.from([7, 0, 255]),
      floats,
    );
    const decoded = decodeBinaryBody(buf, len) as { inputs: { data: ArrayLike<unknown> }[] };
    expect(decoded.inputs.map((i) => Array.from(i.data))).toEqual([
      [7, 0, 255],
      [true, false],
      [1.5, -2],
    ]);
    // UINT8 is a view on the body itself (zero-copy), FP32 a Float32Array
    const features = decoded.inputs[0].data as Uint8Array;
    expect(features).toBeInstanceOf(Uint8Array);
    expect(features.buffer).toBe(buf.buffer);
    expect(decoded.inputs[2].data).toBeInstanceOf(Float32Array);
  });

  it('rejects a missing header length and sizes that do not add up', () => {
    const [buf, len] = body(
      {
        inputs: [{ name: 'x', datatype: 'UINT8', shape: [4], parameters: { binary_data_size: 4 } }],
      },
      Buffer.from([1, 2]),
    );
    expect(() => decodeBinaryBody(buf, undefined)).toThrow(/Inference-Header-Content-Length/);
    expect(() => decodeBinaryBody(buf, len)).toThrow(/runs past the end/);
    const [extra, extraLen] = body({ inputs: [] }, Buffer.from([1]));
    expect(() => decodeBinaryBody(extra, extraLen)).toThrow(BinaryTensorDataError);
  });

  it('reads back what encodeBinaryRequest writes', () => {
    const features = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const present = Uint8Array.from([1, 0]);
    const { body, headerLength, headers } = encodeBinaryRequest(
      [
        { name: 'device_features', datatype: 'UINT8', shape: [1, 2, 3], bytes: features },
        { name: 'device_present', datatype: 'BOOL', shape: [2], bytes: present },
      ],
      ['class'],
    );
    expect(headers['inference-header-content-length']).toBe(String(headerLength));
    const decoded = decodeBinaryBody(body, String(headerLength)) as {
      inputs: { name: string; shape: number[]; data: ArrayLike<unknown> }[];
      outputs: { name: string }[];
    };
    expect(decoded.inputs.map((i) => [i.name, i.shape, Array.from(i.data)])).toEqual([
      ['device_features', [1, 2, 3], [1, 2, 3, 4, 5, 6]],
      ['device_present', [2], [true, false]],
    ]);
    expect(decoded.outputs).toEqual([{ name: 'class' }]);
  });
});
