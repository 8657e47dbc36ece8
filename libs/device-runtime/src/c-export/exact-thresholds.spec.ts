import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodePartition,
  encodePartition,
  packSigns,
  sha256Hex,
  type PartitionArtifact,
} from '@ddnn/partition-format';
import {
  createModel,
  cutPartitions,
  initEngineBackend,
  PAPER_MVMC_CONFIG,
  PartitionedModel,
} from '@ddnn/engine';
import { readDeviceLayout } from '../device-layout';
import { DeviceRuntime } from '../device-runtime';
import { FirstLayerSigns } from '../first-layer-signs';
import { exportPartitionToC } from './c-export';
import { requireTool, run, STRICT_C99, writeFiles } from './c-toolchain';
import { deviceHostHarness } from './testing/host-harness';

beforeAll(async () => {
  requireTool('gcc');
  await initEngineBackend('wasm');
});

function patchFloats(artifact: PartitionArtifact, name: string, values: number[]): void {
  const spec = artifact.manifest.tensors.find((t) => t.name === name)!;
  const view = new DataView(artifact.weights.buffer, artifact.weights.byteOffset);
  values.forEach((v, i) => view.setFloat32(spec.offset + 4 * i, v, true));
}

/** The next float32 above v. */
function nextUp(v: number): number {
  const f = new Float32Array([v]);
  const i = new Int32Array(f.buffer);
  i[0] += v >= 0 ? 1 : -1;
  return f[0];
}

/**
 * BatchNorm placed so that each filter's threshold is exactly one of the engine's float32 conv
 * sums of a view (or the float32 just above it, or with gamma < 0): the output bits then hinge on
 * the last bit of those sums and on >= versus >, which only the C code's exact int64 path
 * decides. Compared with the engine and the device runtime on the view and on views one byte
 * away from it.
 */
describe('C export with thresholds exactly on the engine float32 sums', () => {
  it('gives the engine bits on every window (exact path exercised)', () => {
    const model = createModel(PAPER_MVMC_CONFIG, 7);
    const parts = cutPartitions(model, { thresholds: { local: 0.5 } });
    model.dispose();
    const device = decodePartition(parts.find((p) => p.manifest.deviceIndex === 0)!.bytes);
    const layout = readDeviceLayout(device);
    const signs = new FirstLayerSigns(layout.blocks[0]);
    let state = 99;
    const view = new Uint8Array(32 * 32 * 3).map(() => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state >>> 24;
    });
    // filter f's threshold: the engine's max over one pooling window (the median window of the
    // view), so that window's bit hinges on the last bit of its sums and on >= versus >
    const windowMax = (f: number, oy: number, ox: number) => {
      let m = -Infinity;
      for (let y = Math.max(0, 2 * oy - 1); y <= Math.min(31, 2 * oy + 1); y++) {
        for (let x = Math.max(0, 2 * ox - 1); x <= Math.min(31, 2 * ox + 1); x++) {
          m = Math.max(m, signs.exactSum(view, y, x, f));
        }
      }
      return m;
    };
    const chosen = [0, 1, 2, 3].map((f) => {
      const maxima = Array.from({ length: 256 }, (_, w) => ({
        w,
        m: windowMax(f, w >> 4, w & 15),
      })).sort((a, b) => a.m - b.m);
      return maxima[128];
    });
    const at = chosen.map(({ w }) => [2 * (w >> 4), 2 * (w & 15)]);
    const sums = chosen.map(({ m }) => m);
    const mean = [sums[0], sums[1], nextUp(sums[2]), sums[3]];
    const prefix = 'device0/block0';
    patchFloats(device, `${prefix}/conv/bias`, [0, 0, 0, 0]);
    patchFloats(device, `${prefix}/bn/moving_mean`, mean);
    patchFloats(device, `${prefix}/bn/moving_variance`, [1, 1, 1, 1]);
    patchFloats(device, `${prefix}/bn/gamma`, [1, 1, 1, -1]);
    patchFloats(device, `${prefix}/bn/beta`, [0, 0, 0, 0]);
    device.manifest.weightsSha256 = sha256Hex(device.weights);
    const bytes = encodePartition(device);

    // the view and 40 views one byte away from it, near the chosen windows
    const views: Uint8Array[] = [view];
    for (let k = 0; k < 40; k++) {
      const [y, x] = at[k % 4];
      const v = view.slice();
      const i = (Math.min(31, y + (k % 3) - 1) * 32 + Math.max(0, x - (k % 2))) * 3 + (k % 3);
      v[i] = k % 2 ? Math.min(255, v[i] + 1) : Math.max(0, v[i] - 1);
      views.push(v);
    }
    const n = views.length;
    const all = new Uint8Array(n * view.length);
    views.forEach((v, i) => all.set(v, i * view.length));

    const dir = mkdtempSync(join(tmpdir(), 'ddnn-c-exact-'));
    try {
      const exported = exportPartitionToC(bytes);
      const sym = exported.symbol;
      writeFiles(dir, exported.files);
      writeFileSync(join(dir, 'main.c'), deviceHostHarness(sym));
      const exe = join(dir, 'device');
      run('gcc', [...STRICT_C99, '-O2', '-o', exe, join(dir, `${sym}.c`), join(dir, 'main.c')]);
      const out = run(exe, [String(n)], all).stdout;
      const fb = 128;
      const record = 12 + fb + 2;
      const engine = PartitionedModel.load([
        { ...device, manifest: device.manifest },
        ...parts.filter((p) => p.manifest.tier === 'local'),
      ]);
      const expected = engine.runDevice(
        0,
        Float32Array.from(all, (u) => Math.fround(u / 255)),
        n,
      );
      engine.dispose();
      const runtime = DeviceRuntime.load(bytes).runBatch(all, n);
      let exactWindows = 0;
      let ones = 0;
      for (let i = 0; i < n; i++) {
        const features = out.subarray(i * record + 12, i * record + 12 + fb);
        const engineBits = packSigns(expected.features.subarray(i * 1024, (i + 1) * 1024));
        expect(Array.from(features)).toEqual(Array.from(engineBits));
        expect(Array.from(features)).toEqual(
          Array.from(runtime.features.subarray(i * fb, (i + 1) * fb)),
        );
        exactWindows += out.readUInt16LE(i * record + 12 + fb);
        ones += features.reduce((a, b) => a + (b.toString(2).match(/1/g)?.length ?? 0), 0);
      }
      // both outcomes occur and many windows needed the exact sums
      expect(ones).toBeGreaterThan(0);
      expect(ones).toBeLessThan(n * 1024);
      expect(exactWindows).toBeGreaterThan(n);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
