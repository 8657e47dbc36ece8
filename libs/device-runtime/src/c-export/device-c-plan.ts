import { packSigns } from '@ddnn/partition-format';
import type { ConvBlockLayout, DeviceLayout } from '../device-layout';
import { FirstLayerSigns } from '../first-layer-signs';
import {
  batchNormF32,
  BYTE_TO_FLOAT,
  FloatThreshold,
  fround,
  monotoneThreshold,
} from '../float32-math';
import { CExportError } from './c-export-error';

/**
 * Every float32 value the first layer sees is fround(u / 255) for a byte u; all of them are
 * multiples of 2^-31 below 1, and so is every float32 partial sum of them (below 2^-7 a
 * multiple of 2^-31 under 2^24 units is exact in float32; above, float32's ulp is a larger
 * power of two). The engine's float32 sums are therefore integers in units of 2^-31, and the C
 * code reproduces them with int64 additions rounded to 24 significant bits.
 */
export const Q31_SCALE = 2 ** 31;

/** The first layer's integer byte sums must fit int16 on the MCU: 9 * channels * 255 < 2^15. */
export const MAX_FIRST_LAYER_CHANNELS = 14;

/** The byte path's tables: fround(u / 255) in units of 2^-31 (exact integers). */
export const BYTE_Q31: readonly number[] = Array.from(BYTE_TO_FLOAT, (v) => v * Q31_SCALE);

export interface FirstBlockPlan {
  block: ConvBlockLayout;
  /** Kernel signs [3, 3, in, out], packed MSB first (1 = +1). */
  signs: Uint8Array;
  /** Per filter: integer byte sum >= hi: the engine's sum surely reaches the threshold. */
  hi: number[];
  /** Per filter: integer byte sum < lo: it surely does not; between: decided exactly. */
  lo: number[];
  /** Per filter: the threshold in units of 2^-31, ceil(t * 2^31), clamped past any sum. */
  thresholdQ31: bigint[];
  /** Per filter: the output bit is the negation of "the pooled sum reaches the threshold". */
  invert: boolean[];
}

export interface PackedBlockPlan {
  block: ConvBlockLayout;
  signs: Uint8Array;
  /** Per filter: the pooled integer sum reaches the threshold when >= this. */
  threshold: number[];
  invert: boolean[];
}

export interface ExitPlan {
  features: number;
  classes: number;
  /** Per class, its kernel column's signs packed like the features (featureBytes each). */
  columns: Uint8Array;
  /** Per class, per mismatch count k in 0..features: the float32 bits of its score. */
  scoreBits: Uint32Array;
}

export interface DeviceCPlan {
  layout: DeviceLayout;
  first: FirstBlockPlan;
  later: PackedBlockPlan[];
  exit: ExitPlan;
  featureBytes: number;
}

/** The sign bit of BatchNorm(s + bias) as a threshold over the pooled conv sum s. */
function blockThresholds(block: ConvBlockLayout): FloatThreshold[] {
  return Array.from({ length: block.filters }, (_, f) =>
    monotoneThreshold((s) => batchNormF32(fround(s + block.bias[f]), block.bn[f]) >= 0),
  );
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function firstBlockPlan(block: ConvBlockLayout): FirstBlockPlan {
  if (block.inChannels > MAX_FIRST_LAYER_CHANNELS) {
    throw new CExportError(
      `the C export takes views of at most ${MAX_FIRST_LAYER_CHANNELS} channels (int16 byte sums); this partition has ${block.inChannels}`,
    );
  }
  const thresholds = blockThresholds(block);
  // byte views: max|x| = 1, so the fast sums are within marginPerUnit of the engine's
  const margin = new FirstLayerSigns(block).marginPerUnit;
  const maxSum = 9 * block.inChannels * 255;
  const intLimit = maxSum + 1;
  const q31Limit = BigInt(intLimit) * BigInt(Q31_SCALE);
  const hi: number[] = [];
  const lo: number[] = [];
  const thresholdQ31: bigint[] = [];
  for (const { threshold: t } of thresholds) {
    if (t === -Infinity) {
      hi.push(-intLimit);
      lo.push(-intLimit);
      thresholdQ31.push(-q31Limit);
      continue;
    }
    if (t === Infinity) {
      hi.push(intLimit);
      lo.push(intLimit);
      thresholdQ31.push(q31Limit);
      continue;
    }
    hi.push(clamp(Math.ceil(255 * (t + margin)), -intLimit, intLimit));
    lo.push(clamp(Math.ceil(255 * (t - margin)), -intLimit, intLimit));
    // t is a float32, so t * 2^31 is exact in double and its ceiling an exact integer
    const q = Math.ceil(t * Q31_SCALE);
    thresholdQ31.push(Math.abs(q) >= Number(q31Limit) ? (q < 0 ? -q31Limit : q31Limit) : BigInt(q));
  }
  return {
    block,
    signs: packSigns(block.kernel),
    hi,
    lo,
    thresholdQ31,
    invert: thresholds.map((t) => t.invert),
  };
}

function packedBlockPlan(block: ConvBlockLayout): PackedBlockPlan {
  const limit = 9 * block.inChannels + 1;
  const thresholds = blockThresholds(block);
  return {
    block,
    signs: packSigns(block.kernel),
    // the sums are integers: s >= t exactly when s >= ceil(t)
    threshold: thresholds.map(({ threshold: t }) => clamp(Math.ceil(t), -limit, limit)),
    invert: thresholds.map((t) => t.invert),
  };
}

function exitPlan(layout: DeviceLayout): ExitPlan {
  const { features, classes, kernel, bias, bn } = layout.exit;
  const featureBytes = Math.ceil(features / 8);
  const columns = new Uint8Array(classes * featureBytes);
  for (let i = 0; i < features; i++) {
    for (let c = 0; c < classes; c++) {
      if (kernel[i * classes + c] > 0) columns[c * featureBytes + (i >> 3)] |= 0x80 >> (i & 7);
    }
  }
  // the dot product of ±1 vectors is features - 2 * mismatches: the score is a function of the
  // mismatch count, tabulated with the engine's float32 bias and BatchNorm
  const scoreBits = new Uint32Array(classes * (features + 1));
  const view = new DataView(new ArrayBuffer(4));
  for (let c = 0; c < classes; c++) {
    for (let k = 0; k <= features; k++) {
      view.setFloat32(0, batchNormF32(fround(features - 2 * k + bias[c]), bn[c]));
      scoreBits[c * (features + 1) + k] = view.getUint32(0);
    }
  }
  return { features, classes, columns, scoreBits };
}

/**
 * The generated code indexes views, bit strings and tables with 16-bit integers (the fast kind on
 * an 8-bit MCU) and reads tables with near pgm_read_* on AVR: everything must stay below 64 KiB.
 */
export const MAX_C_INDEX = 0xffff;

function checkLimits(layout: DeviceLayout, plan: Omit<DeviceCPlan, 'layout'>): void {
  const problems: string[] = [];
  const [h, w, c] = layout.inputShape;
  if (h * w * c > MAX_C_INDEX) problems.push(`a view is ${h * w * c} bytes`);
  layout.blocks.forEach((b, i) => {
    const bits = b.outHeight * b.outWidth * b.filters;
    if (bits > MAX_C_INDEX) problems.push(`block ${i} outputs ${bits} bits`);
    if (i > 0 && 9 * b.inChannels + 1 > 0x7fff) {
      problems.push(`block ${i}'s integer sums reach ±${9 * b.inChannels} (int16)`);
    }
    if (9 * b.inChannels * b.filters > MAX_C_INDEX) {
      problems.push(`block ${i} has ${9 * b.inChannels * b.filters} kernel signs`);
    }
  });
  const tables =
    plan.exit.scoreBits.length * 4 +
    plan.exit.columns.length +
    plan.first.signs.length +
    plan.later.reduce((n, b) => n + b.signs.length, 0) +
    BYTE_Q31.length * 4;
  if (plan.exit.scoreBits.length > MAX_C_INDEX || tables > MAX_C_INDEX) {
    problems.push(
      `its const tables are ${tables} bytes (the exit's score table ${plan.exit.scoreBits.length * 4})`,
    );
  }
  if (problems.length > 0) {
    throw new CExportError(
      `the C export is for microcontroller-sized devices (16-bit indices, tables under 64 KiB): ${problems.join('; ')}`,
    );
  }
}

/** The numbers the C source is made of, from a validated binary device layout. */
export function deviceCPlan(layout: DeviceLayout): DeviceCPlan {
  if (!layout.binary) {
    throw new CExportError(
      'the C export runs binary device partitions (integer-only layers); this device is a float one (binary: false)',
    );
  }
  const [fh, fw, fc] = layout.featureShape;
  const plan = {
    first: firstBlockPlan(layout.blocks[0]),
    later: layout.blocks.slice(1).map(packedBlockPlan),
    exit: exitPlan(layout),
    featureBytes: Math.ceil((fh * fw * fc) / 8),
  };
  checkLimits(layout, plan);
  return { layout, ...plan };
}
