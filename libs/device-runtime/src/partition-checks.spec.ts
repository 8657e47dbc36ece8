import { encodePartition, PartitionFormatError } from '@ddnn/partition-format';
import {
  createModel,
  cutPartitions,
  initEngineBackend,
  PAPER_MVMC_CONFIG,
  type CutPartition,
} from '@ddnn/engine';
import { TOY_CONFIG } from '../../ddnn/src/testing/toy-data';
import { DeviceRuntime } from './device-runtime';
import { DeviceRuntimeError, DeviceRuntimeErrorCode } from './device-runtime-error';
import { LocalAggregatorRuntime } from './local-aggregator-runtime';

let toy: CutPartition[];
let paper: CutPartition[];

beforeAll(async () => {
  await initEngineBackend('wasm');
  const toyModel = createModel({ ...TOY_CONFIG, localAggregator: 'CC' }, 1);
  toy = cutPartitions(toyModel, { thresholds: { local: 0.5 } });
  toyModel.dispose();
  const paperModel = createModel(PAPER_MVMC_CONFIG, 1);
  paper = cutPartitions(paperModel, { thresholds: { local: 0.8 } });
  paperModel.dispose();
});

const codeOf = (run: () => unknown): DeviceRuntimeErrorCode | string => {
  try {
    run();
  } catch (err) {
    return err instanceof DeviceRuntimeError ? err.code : (err as Error).name;
  }
  return 'no error';
};

describe('loading partitions', () => {
  it('refuses a tampered partition (sha256) before using it', () => {
    const tampered = toy[0].bytes.slice();
    tampered[tampered.length - 1] ^= 0x01;
    expect(() => DeviceRuntime.load(tampered)).toThrow(PartitionFormatError);
    expect(() => DeviceRuntime.load(tampered)).toThrow(/sha256/);
    const local = toy.find((p) => p.manifest.tier === 'local')!.bytes.slice();
    local[local.length - 1] ^= 0x01;
    expect(() => LocalAggregatorRuntime.load(local)).toThrow(/sha256/);
  });

  it('refuses other tiers with a clear message', () => {
    const local = toy.find((p) => p.manifest.tier === 'local')!;
    const cloud = toy.find((p) => p.manifest.tier === 'cloud')!;
    expect(codeOf(() => DeviceRuntime.load(local.bytes))).toBe(DeviceRuntimeErrorCode.WrongTier);
    expect(() => DeviceRuntime.load(cloud)).toThrow(
      'DeviceRuntime runs device partitions; this partition is the cloud tier',
    );
    expect(() => LocalAggregatorRuntime.load(toy[2].bytes)).toThrow(
      'LocalAggregatorRuntime runs local partitions; this partition is the device 2',
    );
  });

  it('refuses a partition whose tensors do not describe the device (valid sha256)', () => {
    const device = toy[0];
    const renamed = encodePartition({
      manifest: {
        ...device.manifest,
        tensors: device.manifest.tensors.map((t) =>
          t.name.endsWith('exit/fc/kernel') ? { ...t, shape: [t.shape[1], t.shape[0]] } : t,
        ),
      },
      weights: device.weights,
    });
    expect(() => DeviceRuntime.load(renamed)).toThrow(/exit\/fc\/kernel has shape \[3,32\]/);
    // the manifest's modelConfig is a whole DDNN config: one without its device stack is not a
    // partition at all
    const { device: _dropped, ...withoutDevice } = device.manifest.modelConfig;
    const unsupported = encodePartition({
      manifest: {
        ...device.manifest,
        modelConfig: withoutDevice as typeof device.manifest.modelConfig,
      },
      weights: device.weights,
    });
    expect(() => DeviceRuntime.load(unsupported)).toThrow(PartitionFormatError);
    expect(() => DeviceRuntime.load(unsupported)).toThrow(/modelConfig\.device/);
  });

  it('refuses views of the wrong size or with non-finite values', () => {
    const runtime = DeviceRuntime.load(toy[0].bytes);
    expect(codeOf(() => runtime.run(new Float32Array(63)))).toBe(
      DeviceRuntimeErrorCode.InvalidInput,
    );
    expect(codeOf(() => runtime.runBatch(new Uint8Array(64 * 3), 2))).toBe(
      DeviceRuntimeErrorCode.InvalidInput,
    );
    expect(codeOf(() => runtime.run(new Float32Array(64).fill(NaN)))).toBe(
      DeviceRuntimeErrorCode.InvalidInput,
    );
    const local = LocalAggregatorRuntime.load(toy.find((p) => p.manifest.tier === 'local')!);
    expect(codeOf(() => local.aggregate([null, null, null]))).toBe(
      DeviceRuntimeErrorCode.InvalidInput,
    );
    expect(codeOf(() => local.aggregate([new Float32Array(3)]))).toBe(
      DeviceRuntimeErrorCode.InvalidInput,
    );
  });

  it('reports its memory: the paper device sends 128 bytes, weights stay bit-packed', () => {
    const device = paper[0];
    const runtime = DeviceRuntime.load(device.bytes);
    expect(runtime.featureBytes).toBe(128);
    expect(runtime.featureShape).toEqual([16, 16, 4]);
    const atLoad = runtime.memory();
    expect(atLoad.partitionBytes).toBe(device.bytes.byteLength);
    // FC 1024 x 3 sign bits = 384 B, conv 108 bits, per-channel constants
    expect(atLoad.weightBytes).toBeLessThan(2048);
    expect(atLoad.workingBytes).toBeGreaterThan(0);
    const out = runtime.run(new Uint8Array(32 * 32 * 3).fill(7));
    expect(out.features).toHaveLength(128);
    expect(runtime.memory()).toEqual(atLoad);
    // a float view that is not exactly bytes builds the float path once
    runtime.run(new Float32Array(32 * 32 * 3).fill(0.3));
    const afterFloat = runtime.memory();
    expect(afterFloat.workingBytes).toBeGreaterThan(atLoad.workingBytes);
    runtime.run(new Float32Array(32 * 32 * 3).fill(0.6));
    expect(runtime.memory()).toEqual(afterFloat);
  });
});
