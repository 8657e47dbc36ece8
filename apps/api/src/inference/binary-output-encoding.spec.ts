import { binaryOutputNames, encodeInferResponse, outputBytes } from './binary-output-encoding';

describe('binary outputs', () => {
  const names = ['class', 'exit_tier'];

  it('lets an output decide, else binary_data_output, else JSON', () => {
    expect([...binaryOutputNames({}, names)]).toEqual([]);
    expect([...binaryOutputNames({ parameters: { binary_data_output: true } }, names)]).toEqual(
      names,
    );
    expect([
      ...binaryOutputNames(
        {
          parameters: { binary_data_output: true },
          outputs: [{ name: 'class', parameters: { binary_data: false } }],
        },
        names,
      ),
    ]).toEqual(['exit_tier']);
    expect(() =>
      binaryOutputNames({ outputs: [{ name: 'class', parameters: { binary_data: 1 } }] }, names),
    ).toThrow('parameters.binary_data must be true or false');
  });

  it('encodes INT32/FP32 little-endian and BYTES with 4-byte lengths', () => {
    expect(outputBytes({ name: 'c', datatype: 'INT32', shape: [2], data: [1, -2] })).toEqual(
      Buffer.from([1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff]),
    );
    expect(outputBytes({ name: 'p', datatype: 'FP32', shape: [1], data: [1] })).toEqual(
      Buffer.from([0, 0, 0x80, 0x3f]),
    );
    expect(outputBytes({ name: 't', datatype: 'BYTES', shape: [2], data: ['ab', ''] })).toEqual(
      Buffer.from([2, 0, 0, 0, 0x61, 0x62, 0, 0, 0, 0]),
    );
  });

  it('puts the JSON header first, its length aside, then the binary outputs in order', () => {
    const { body, headerLength } = encodeInferResponse(
      {
        model_name: 'm',
        model_version: '1',
        outputs: [
          { name: 'class', datatype: 'INT32', shape: [1], data: [7] },
          { name: 'exit_tier', datatype: 'BYTES', shape: [1], data: ['local'] },
        ],
      },
      new Set(['class']),
    );
    const header = JSON.parse(body.subarray(0, headerLength).toString());
    expect(header.outputs).toEqual([
      { name: 'class', datatype: 'INT32', shape: [1], parameters: { binary_data_size: 4 } },
      { name: 'exit_tier', datatype: 'BYTES', shape: [1], data: ['local'] },
    ]);
    expect(body.subarray(headerLength!)).toEqual(Buffer.from([7, 0, 0, 0]));
  });
});
