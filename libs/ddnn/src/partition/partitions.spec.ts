import * as tf from '@tensorflow/tfjs-core';
import { decodePartition, encodePartition, PartitionFormatError } from '@ddnn/partition-format';
import { initEngineBackend } from '../backend/engine-backend';
import { deviceFeatureShape, PAPER_MVMC_CONFIG } from '@ddnn/model-spec';
import { predictExits } from '../inference/exit-probabilities';
import { DdnnModel } from '../model/ddnn-model';
import { PreparedData } from '../data/prepared-data';
import { TOY_CONFIG, toyData } from '../testing/toy-data';
import { trainModel } from '../training/train-model';
import { cutPartitions } from './cut-partitions';
import { PartitionedModel } from './partitioned-model';

beforeAll(async () => {
  await initEngineBackend('wasm');
});

const EDGE_CONFIG = {
  ...TOY_CONFIG,
  localAggregator: 'CC',
  edge: { aggregator: 'AP', blocks: 1, filters: 3, poolStride: 1, binary: true },
  cloud: { blocks: 1, filters: 4, poolStride: 1, binary: false },
};

describe.each([
  ['MP-CC, binary', TOY_CONFIG],
  ['CC-local with an AP edge and a float cloud', EDGE_CONFIG],
])('partitions of a trained model (%s)', (_name, config) => {
  const data = toyData(48, 2);
  let model: DdnnModel;

  beforeAll(async () => {
    model = DdnnModel.create(config, 1);
    await trainModel(model, data, { epochs: 2, batchSize: 16, learningRate: 0.01, seed: 1 });
  });
  afterAll(() => model.dispose());

  it('cuts one partition per device, the local aggregator, the edge if any and the cloud', () => {
    const parts = cutPartitions(model, { thresholds: { local: 0.5 }, classNames: ['a', 'b', 'c'] });
    const tiers = parts.map((p) => `${p.manifest.tier}${p.manifest.deviceIndex ?? ''}`);
    expect(tiers).toEqual([
      'device0',
      'device1',
      'device2',
      'local',
      ...(model.config.edge ? ['edge'] : []),
      'cloud',
    ]);
    for (const p of parts) {
      expect(p.manifest.classNames).toEqual(['a', 'b', 'c']);
      expect(p.manifest.thresholds.local).toBe(0.5);
      expect(decodePartition(p.bytes).manifest).toEqual(p.manifest);
    }
  });

  it('all partitions together reproduce the full model outputs exactly', () => {
    const parts = cutPartitions(model, { thresholds: { local: 0.5 } });
    const loaded = PartitionedModel.load(parts.map((p) => p.bytes));
    const a = predictExits(model, data);
    const b = predictExits(loaded.model, data);
    expect(Array.from(b.local)).toEqual(Array.from(a.local));
    expect(Array.from(b.cloud)).toEqual(Array.from(a.cloud));
    if (a.edge) expect(Array.from(b.edge!)).toEqual(Array.from(a.edge));
    a.devices.forEach((d, v) => expect(Array.from(b.devices[v]!)).toEqual(Array.from(d!)));
    loaded.dispose();
  });

  it('device partitions plus the local aggregator reproduce the local exit; a device loads alone', () => {
    const parts = cutPartitions(model, { thresholds: { local: 0.5 } });
    const devicesAndLocal = parts.filter(
      (p) => p.manifest.tier === 'device' || p.manifest.tier === 'local',
    );
    const edgeSide = PartitionedModel.load(devicesAndLocal);
    const prepared = new PreparedData(data, 3);
    const n = prepared.numSamples;
    const scores = prepared.perDevice.map((views, d) => edgeSide.runDevice(d, views, n).scores);
    const local = edgeSide.runLocal(scores, n);
    const full = tf.tidy(() => {
      const inputs = prepared.deviceInputs(Array.from({ length: n }, (_, i) => i));
      const out = model.forward(inputs, { training: false }).local.dataSync();
      inputs.forEach((x) => x.dispose());
      return out;
    });
    expect(Array.from(local)).toEqual(Array.from(full));
    expect(() => edgeSide.runCloud([null, null, null], 1)).toThrow(/cloud partition is not loaded/);
    edgeSide.dispose();

    const alone = PartitionedModel.load([parts[1]]);
    expect(alone.has('device', 1)).toBe(true);
    expect(() => alone.runDevice(0, prepared.perDevice[0], n)).toThrow(
      /device0 partition is not loaded/,
    );
    expect(alone.runDevice(1, prepared.perDevice[1], n).scores).toHaveLength(n * 3);
    alone.dispose();
  });
});

describe('partition files', () => {
  it('bit-pack binary weights: the paper device partition is about 1 KB', () => {
    const model = DdnnModel.create(PAPER_MVMC_CONFIG, 1);
    const parts = cutPartitions(model, { thresholds: { local: 0.8 } });
    const device = parts[0];
    const kernel = device.manifest.tensors.find((t) => t.name === 'device0/exit/fc/kernel')!;
    expect(kernel.encoding).toBe('sign-bits');
    expect(kernel.byteLength).toBe((1024 * 3) / 8);
    // weights: conv 108 bits, FC 3072 bits, float biases and BatchNorm statistics
    expect(device.weights.length).toBeLessThan(700);
    expect(device.bytes.length).toBeLessThan(4096);
    const shape = deviceFeatureShape(model.config);
    expect(device.manifest.outputs[1]).toMatchObject({
      datatype: 'BYTES',
      shape: [-1, (shape.height * shape.width * shape.channels) / 8],
    });
    model.dispose();
  });

  it('refuses tampered, truncated or foreign files with a clear error', () => {
    const model = DdnnModel.create(TOY_CONFIG, 1);
    const [device] = cutPartitions(model, { thresholds: { local: 0.5 } });
    const tampered = device.bytes.slice();
    tampered[tampered.length - 1] ^= 0xff;
    expect(() => decodePartition(tampered)).toThrow(/do not match the manifest sha256/);
    expect(() => decodePartition(device.bytes.subarray(0, 40))).toThrow(/truncated/);
    expect(() => decodePartition(new TextEncoder().encode('hello world, not a partition'))).toThrow(
      PartitionFormatError,
    );
    const badManifest = encodePartition({
      manifest: { ...device.manifest, tier: 'toaster' as 'cloud' },
      weights: device.weights,
    });
    expect(() => decodePartition(badManifest)).toThrow(/manifest is invalid at tier/);
    model.dispose();
  });
});
