import type { ConvBlockLayout } from '../device-layout';
import { cArray, cComment, cString, hexByte, hexU32, int64Literal, ROM_MACROS } from './c-literals';
import type { DeviceCPlan, FirstBlockPlan, PackedBlockPlan } from './device-c-plan';
import { BYTE_Q31 } from './device-c-plan';

export interface CSourceIdentity {
  /** C identifier prefix, e.g. ddnn_device0. */
  symbol: string;
  /** sha256 (hex) of the whole partition file. */
  partitionSha256: string;
  weightsSha256: string;
  formatVersion: number;
  /** e.g. `paper-mvmc v3`, or `unknown` when exported from a file alone. */
  modelVersion: string;
}

/** Static RAM the generated code reserves (its buffers; the view and outputs are the caller's). */
export function deviceStaticRamBytes(plan: DeviceCPlan): number {
  const b0 = plan.first.block;
  const groups = Math.ceil(b0.filters / 8);
  const rows = 3 * (b0.inWidth + 2) * b0.inChannels;
  const flags = 2 * 3 * b0.inWidth * groups;
  const intermediate = plan.layout.blocks
    .slice(0, -1)
    .reduce((n, b) => n + Math.ceil((b.outHeight * b.outWidth * b.filters) / 8), 0);
  return rows + flags + intermediate + 2; // + the exact-window counter
}

/** Bytes of the const tables (flash on AVR). */
export function deviceTableBytes(plan: DeviceCPlan): number {
  return (
    BYTE_Q31.length * 4 +
    plan.first.signs.length +
    plan.first.thresholdQ31.length * 8 +
    Math.ceil(plan.first.block.filters / 8) +
    plan.later.reduce((n, b) => n + b.signs.length + b.threshold.length * 3, 0) +
    plan.exit.columns.length +
    plan.exit.scoreBits.length * 4
  );
}

const bitOf = (f: number) => hexByte(0x80 >> (f & 7));

/** The unrolled integer sum of one filter over the three padded rows r0..r2 (bytes, HWC). */
function firstLayerSum(plan: FirstBlockPlan, f: number): string {
  const { inChannels: cin, filters } = plan.block;
  const plus: string[] = [];
  const minus: string[] = [];
  for (let ky = 0; ky < 3; ky++) {
    for (let kx = 0; kx < 3; kx++) {
      for (let c = 0; c < cin; c++) {
        const i = ((ky * 3 + kx) * cin + c) * filters + f;
        const positive = (plan.signs[i >> 3] & (0x80 >> (i & 7))) !== 0;
        (positive ? plus : minus).push(`r${ky}[${kx * cin + c}]`);
      }
    }
  }
  const sum = (terms: string[]) => (terms.length ? terms.join(' + ') : '0');
  return `(int16_t)((${sum(plus)}) - (${sum(minus)}))`;
}

function firstBlockSource(plan: FirstBlockPlan): string {
  const b: ConvBlockLayout = plan.block;
  const { inHeight: h, inWidth: w, inChannels: cin, filters, poolStride: s } = b;
  const groups = Math.ceil(filters / 8);
  const rowBytes = (w + 2) * cin;
  // one loop per filter over the row: its 9 * cin byte loads use the row pointers' fixed
  // displacements (on AVR, LDD), rather than holding every tap of a pixel in registers
  const flagLines: string[] = [
    `  memset(sure, 0, ${w * groups});`,
    `  memset(maybe, 0, ${w * groups});`,
  ];
  for (let f = 0; f < filters; f++) {
    const g = f >> 3;
    flagLines.push(
      `  for (x = 0, r0 = t0, r1 = t1, r2 = t2; x < ${w}; x++, r0 += ${cin}, r1 += ${cin}, r2 += ${cin}) {`,
      `    s = ${firstLayerSum(plan, f)};`,
      `    if (s >= ${plan.lo[f]}) {`,
      `      maybe[x * ${groups} + ${g}] |= ${bitOf(f)};`,
      `      if (s >= ${plan.hi[f]}) sure[x * ${groups} + ${g}] |= ${bitOf(f)};`,
      `    }`,
      `  }`,
    );
  }
  const invertMask = Array.from({ length: groups }, (_, g) => {
    let m = 0;
    for (let f = g * 8; f < Math.min(filters, g * 8 + 8); f++) {
      if (plan.invert[f]) m |= 0x80 >> (f & 7);
    }
    return hexByte(m);
  });
  return `
/* ---- block 0: ${h}x${w}x${cin} bytes -> conv 3x3 (${filters} sign filters) -> max-pool 3x3/${s} -> BatchNorm -> sign ---- */

/* fround(u / 255) in units of 2^-31 (exact integers): the engine's float32 pixel values. */
static const uint32_t b0_byte_q31[256] DDNN_ROM = {
${cArray(BYTE_Q31.map(hexU32), 6)}
};

/* kernel signs [3][3][${cin}][${filters}], 8 per byte, MSB first, 1 = +1 */
static const uint8_t b0_signs[${plan.signs.length}] DDNN_ROM = {
${cArray(Array.from(plan.signs, hexByte))}
};

/* per filter: the engine's float32 threshold on the pooled conv sum, ceil(t * 2^31) */
static const int64_t b0_threshold_q31[${filters}] DDNN_ROM = {
${cArray(plan.thresholdQ31.map(int64Literal), 3)}
};

/* output bits that are negated (BatchNorm with gamma < 0), per group of 8 filters */
static const uint8_t b0_invert[${groups}] DDNN_ROM = { ${invertMask.join(', ')} };

/* three zero-padded input rows (ring) and per conv output two flag bits a filter */
static uint8_t b0_rows[3][${rowBytes}];
static uint8_t b0_sure[3][${w * groups}];
static uint8_t b0_maybe[3][${w * groups}];

/* float32 rounding (nearest, ties to even) of an exact sum in units of 2^-31 */
static int64_t round_f32(int64_t v) {
  uint64_t a = v < 0 ? (uint64_t)(-v) : (uint64_t)v;
  uint64_t top, unit, rest;
  uint8_t shift = 0;
  if (a < ((uint64_t)1 << 24)) return v;
  for (top = a >> 24; top != 0; top >>= 1) shift++;
  unit = (uint64_t)1 << shift;
  rest = a & (unit - 1);
  a -= rest;
  if (rest > (unit >> 1) || (rest == (unit >> 1) && (a & unit) != 0)) a += unit;
  return v < 0 ? -(int64_t)a : (int64_t)a;
}

/* The engine's float32 conv sum at (y, x) for filter f, accumulated as XNNPACK does (kernel
 * row, column, input channel; padding adds nothing), compared with the threshold. */
static uint8_t b0_exact_reaches(const uint8_t *view, int16_t y, int16_t x, uint8_t f) {
  int64_t acc = 0, t;
  int8_t ky, kx;
  uint8_t c;
  for (ky = 0; ky < 3; ky++) {
    int16_t yy = y + ky - 1;
    if (yy < 0 || yy >= ${h}) continue;
    for (kx = 0; kx < 3; kx++) {
      int16_t xx = x + kx - 1;
      const uint8_t *px;
      if (xx < 0 || xx >= ${w}) continue;
      px = view + ((uint16_t)yy * ${w} + (uint16_t)xx) * ${cin};
      for (c = 0; c < ${cin}; c++) {
        uint16_t i = (uint16_t)(((ky * 3 + kx) * ${cin} + c) * ${filters} + f);
        int64_t v = (int64_t)DDNN_ROM_U32(&b0_byte_q31[px[c]]);
        if (DDNN_ROM_U8(&b0_signs[i >> 3]) & (0x80 >> (i & 7))) acc = round_f32(acc + v);
        else acc = round_f32(acc - v);
      }
    }
  }
  DDNN_ROM_COPY(&t, &b0_threshold_q31[f], sizeof t);
  return acc >= t;
}

static void b0_load_row(const uint8_t *view, int16_t y, uint8_t *row) {
  memset(row, 0, ${rowBytes});
  if (y >= 0 && y < ${h}) memcpy(row + ${cin}, view + (uint16_t)y * ${w * cin}, ${w * cin});
}

/* Conv row y from the ring: sure = the integer sum is far enough above the threshold that the
 * engine's float32 sum reaches it, maybe = it might (below: it surely does not). */
static void b0_flag_row(int16_t y) {
  const uint8_t *t0 = b0_rows[(y + 2) % 3], *t1 = b0_rows[y % 3], *t2 = b0_rows[(y + 1) % 3];
  const uint8_t *r0, *r1, *r2;
  uint8_t *sure = b0_sure[y % 3], *maybe = b0_maybe[y % 3];
  uint8_t x;
  int16_t s;
${flagLines.join('\n')}
}

/* Pooled row oy (its conv rows are in the ring) into the HWC bit string out. */
static void b0_pool_row(const uint8_t *view, int16_t oy, uint8_t *out) {
  int16_t ylo = oy * ${s} - 1, yhi = oy * ${s} + 1, ox, y, x;
  uint8_t g, f;
  const uint8_t *sure_rows[3], *maybe_rows[3];
  if (ylo < 0) ylo = 0;
  if (yhi > ${h - 1}) yhi = ${h - 1};
  /* the ring slots of the window's conv rows, found once (no division in the loops) */
  for (y = ylo; y <= yhi; y++) {
    sure_rows[y - ylo] = b0_sure[y % 3];
    maybe_rows[y - ylo] = b0_maybe[y % 3];
  }
  for (ox = 0; ox < ${b.outWidth}; ox++) {
    int16_t xlo = ox * ${s} - 1, xhi = ox * ${s} + 1;
    if (xlo < 0) xlo = 0;
    if (xhi > ${w - 1}) xhi = ${w - 1};
    for (g = 0; g < ${groups}; g++) {
      uint8_t sure = 0, maybe = 0, above;
      for (y = 0; y <= yhi - ylo; y++) {
        for (x = xlo; x <= xhi; x++) {
          sure |= sure_rows[y][x * ${groups} + g];
          maybe |= maybe_rows[y][x * ${groups} + g];
        }
      }
      above = sure;
      if (maybe & (uint8_t)~sure) {
        /* within rounding distance of a threshold: decide with the engine's exact sums */
        for (f = g * 8; f < g * 8 + 8 && f < ${filters}; f++) {
          uint8_t bit = (uint8_t)(0x80 >> (f & 7));
          if ((maybe & bit) == 0 || (sure & bit) != 0) continue;
          ${'${symbol}'}_exact_windows++;
          for (y = ylo; y <= yhi && (above & bit) == 0; y++) {
            for (x = xlo; x <= xhi; x++) {
              if ((maybe_rows[y - ylo][x * ${groups} + g] & bit) && b0_exact_reaches(view, y, x, f)) {
                above |= bit;
                break;
              }
            }
          }
        }
      }
      above ^= DDNN_ROM_U8(&b0_invert[g]);
      for (f = g * 8; f < g * 8 + 8 && f < ${filters}; f++) {
        if (above & (0x80 >> (f & 7))) {
          uint16_t i = (uint16_t)(((uint16_t)oy * ${b.outWidth} + (uint16_t)ox) * ${filters} + f);
          out[i >> 3] |= (uint8_t)(0x80 >> (i & 7));
        }
      }
    }
  }
}

static void b0_run(const uint8_t *view, uint8_t *out) {
  int16_t y, oy = 0;
  memset(out, 0, ${Math.ceil((b.outHeight * b.outWidth * filters) / 8)});
  b0_load_row(view, -1, b0_rows[2]);
  b0_load_row(view, 0, b0_rows[0]);
  for (y = 0; y < ${h}; y++) {
    b0_load_row(view, y + 1, b0_rows[(y + 1) % 3]);
    b0_flag_row(y);
    /* every pooled row whose window ends at conv row y */
    while (oy < ${b.outHeight} && (oy * ${s} + 1 < ${h - 1} ? oy * ${s} + 1 : ${h - 1}) == y) {
      b0_pool_row(view, oy, out);
      oy++;
    }
  }
}
`;
}

function packedBlockSource(plan: PackedBlockPlan, index: number): string {
  const b = plan.block;
  const { inHeight: h, inWidth: w, inChannels: cin, filters, poolStride: s } = b;
  const p = `b${index}`;
  const limit = 9 * cin + 1;
  return `
/* ---- block ${index}: ${h}x${w}x${cin} sign bits -> conv 3x3 (${filters} sign filters, XNOR + popcount) -> max-pool 3x3/${s} -> BatchNorm -> sign ---- */

static const uint8_t ${p}_signs[${plan.signs.length}] DDNN_ROM = {
${cArray(Array.from(plan.signs, hexByte))}
};

/* per filter: the pooled integer sum reaches the engine's threshold when >= this */
static const int16_t ${p}_threshold[${filters}] DDNN_ROM = { ${plan.threshold.join(', ')} };
static const uint8_t ${p}_invert[${filters}] DDNN_ROM = { ${plan.invert.map((v) => (v ? 1 : 0)).join(', ')} };

static int16_t ${p}_sum(const uint8_t *in, int16_t y, int16_t x, uint8_t f) {
  int16_t sum = 0;
  int8_t ky, kx;
  uint8_t c;
  for (ky = 0; ky < 3; ky++) {
    int16_t yy = y + ky - 1;
    if (yy < 0 || yy >= ${h}) continue;
    for (kx = 0; kx < 3; kx++) {
      int16_t xx = x + kx - 1;
      uint16_t base;
      if (xx < 0 || xx >= ${w}) continue; /* zero padding contributes 0 */
      base = ((uint16_t)yy * ${w} + (uint16_t)xx) * ${cin};
      for (c = 0; c < ${cin}; c++) {
        uint16_t i = base + c;
        uint16_t k = (uint16_t)(((ky * 3 + kx) * ${cin} + c) * ${filters} + f);
        uint8_t a = (in[i >> 3] >> (7 - (i & 7))) & 1;
        uint8_t wbit = (DDNN_ROM_U8(&${p}_signs[k >> 3]) >> (7 - (k & 7))) & 1;
        sum += a == wbit ? 1 : -1;
      }
    }
  }
  return sum;
}

static void ${p}_run(const uint8_t *in, uint8_t *out) {
  int16_t oy, ox, y, x;
  uint8_t f;
  memset(out, 0, ${Math.ceil((b.outHeight * b.outWidth * filters) / 8)});
  for (oy = 0; oy < ${b.outHeight}; oy++) {
    for (ox = 0; ox < ${b.outWidth}; ox++) {
      for (f = 0; f < ${filters}; f++) {
        int16_t best = -${limit};
        uint8_t above;
        for (y = oy * ${s} - 1; y <= oy * ${s} + 1; y++) {
          if (y < 0 || y >= ${h}) continue;
          for (x = ox * ${s} - 1; x <= ox * ${s} + 1; x++) {
            int16_t v;
            if (x < 0 || x >= ${w}) continue;
            v = ${p}_sum(in, y, x, f);
            if (v > best) best = v;
          }
        }
        above = best >= (int16_t)DDNN_ROM_U16(&${p}_threshold[f]);
        if (above != DDNN_ROM_U8(&${p}_invert[f])) {
          uint16_t i = (uint16_t)(((uint16_t)oy * ${b.outWidth} + (uint16_t)ox) * ${filters} + f);
          out[i >> 3] |= (uint8_t)(0x80 >> (i & 7));
        }
      }
    }
  }
}
`;
}

function exitSource(plan: DeviceCPlan): string {
  const { features, classes, columns, scoreBits } = plan.exit;
  const fb = plan.featureBytes;
  return `
/* ---- exit: FC ${features} -> ${classes} (sign weights, XNOR + popcount) + bias + BatchNorm ---- */

/* per class, its kernel column's signs packed like the features */
static const uint8_t exit_columns[${columns.length}] DDNN_ROM = {
${cArray(Array.from(columns, hexByte))}
};

/* per class, per mismatch count k (dot product ${features} - 2k): the engine's float32 score bits */
static const uint32_t exit_scores[${scoreBits.length}] DDNN_ROM = {
${cArray(Array.from(scoreBits, hexU32), 6)}
};

static uint8_t popcount8(uint8_t v) {
  v = (uint8_t)(v - ((v >> 1) & 0x55));
  v = (uint8_t)((v & 0x33) + ((v >> 2) & 0x33));
  return (uint8_t)((v + (v >> 4)) & 0x0f);
}

static void exit_run(const uint8_t *features, uint32_t *scores) {
  uint8_t c;
  uint16_t k;
  for (c = 0; c < ${classes}; c++) {
    uint16_t mismatches = 0;
    for (k = 0; k < ${fb}; k++) {
      mismatches += popcount8(features[k] ^ DDNN_ROM_U8(&exit_columns[(uint16_t)c * ${fb} + k]));
    }
    scores[c] = DDNN_ROM_U32(&exit_scores[(uint16_t)c * ${features + 1} + mismatches]);
  }
}
`;
}

export interface CSourceFiles {
  header: { name: string; content: string };
  source: { name: string; content: string };
}

/** A dependency-free C99 .c + .h for a binary device partition. */
export function deviceCSource(plan: DeviceCPlan, id: CSourceIdentity): CSourceFiles {
  const { layout } = plan;
  const sym = id.symbol;
  const SYM = sym.toUpperCase();
  const [h, w, c] = layout.inputShape;
  const [fh, fw, fc] = layout.featureShape;
  const blocks = layout.blocks;
  const about = [
    `Device ${layout.deviceIndex} partition of a DDNN, generated by \`ddnn export --target c\`. Do not edit.`,
    `Model version: ${id.modelVersion}. Partition file sha256: ${id.partitionSha256}`,
    `(weights sha256 ${id.weightsSha256}, partition format v${id.formatVersion}).`,
    '',
    'Plain C99: static buffers only, no malloc, no floating point. Binary layers are integer',
    'XNOR/popcount; the first layer sums the view bytes as integers and decides the rare outputs',
    'within rounding distance of a threshold with the engine float32 sums reproduced in int64',
    "fixed point, so the scores and feature bits equal the engine's bit for bit.",
    'Tables are const (PROGMEM on AVR, read with pgm_read_*), so one source builds on a host and',
    'on an 8-bit AVR.',
  ];
  const header = `${cComment(about)}
#ifndef ${SYM}_H
#define ${SYM}_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ${SYM}_MODEL_VERSION ${cString(id.modelVersion)}
#define ${SYM}_PARTITION_SHA256 ${cString(id.partitionSha256)}
#define ${SYM}_WEIGHTS_SHA256 ${cString(id.weightsSha256)}
#define ${SYM}_FORMAT_VERSION ${id.formatVersion}
#define ${SYM}_DEVICE_INDEX ${layout.deviceIndex}

/* one view: ${h}x${w}x${c} bytes, HWC (pixel u stands for u / 255, as the platform scales it) */
#define ${SYM}_VIEW_HEIGHT ${h}
#define ${SYM}_VIEW_WIDTH ${w}
#define ${SYM}_VIEW_CHANNELS ${c}
#define ${SYM}_VIEW_BYTES ${h * w * c}
#define ${SYM}_CLASSES ${layout.numClasses}
/* the feature map sent upward: ${fh}x${fw}x${fc} sign bits, HWC, MSB first, 1 = +1 */
#define ${SYM}_FEATURE_HEIGHT ${fh}
#define ${SYM}_FEATURE_WIDTH ${fw}
#define ${SYM}_FEATURE_CHANNELS ${fc}
#define ${SYM}_FEATURE_BYTES ${plan.featureBytes}
/* static RAM the generated code reserves (the view and outputs are the caller's) */
#define ${SYM}_STATIC_RAM_BYTES ${deviceStaticRamBytes(plan)}

/*
 * Runs the device on one view.
 *   view:     ${SYM}_VIEW_BYTES bytes, HWC (read only; it must stay in RAM)
 *   scores:   ${SYM}_CLASSES outputs, the device exit's class scores as IEEE-754 float32 bit
 *             patterns (memcpy into a float where there is one; softmax gives probabilities)
 *   features: ${SYM}_FEATURE_BYTES outputs, the packed feature map exactly as sent upward
 * Not reentrant (static buffers).
 */
void ${sym}_run(const uint8_t *view, uint32_t *scores, uint8_t *features);

/* How many pooling windows of the last run were decided with the exact float32 sums. */
extern uint16_t ${sym}_exact_windows;

#ifdef __cplusplus
}
#endif

#endif /* ${SYM}_H */
`;
  const intermediate = blocks.slice(0, -1).map((b, i) => {
    const bytes = Math.ceil((b.outHeight * b.outWidth * b.filters) / 8);
    return `static uint8_t block${i}_out[${bytes}];`;
  });
  const runLines: string[] = [];
  blocks.forEach((_, i) => {
    const input = i === 0 ? 'view' : `block${i - 1}_out`;
    const output = i === blocks.length - 1 ? 'features' : `block${i}_out`;
    runLines.push(`  b${i}_run(${input}, ${output});`);
  });
  const source = `${cComment(about)}
#include "${sym}.h"

#include <string.h>

${ROM_MACROS}

uint16_t ${sym}_exact_windows = 0;
${firstBlockSource(plan.first).split('${symbol}').join(sym)}${plan.later.map((b, i) => packedBlockSource(b, i + 1)).join('')}${exitSource(plan)}
${intermediate.join('\n')}

void ${sym}_run(const uint8_t *view, uint32_t *scores, uint8_t *features) {
  ${sym}_exact_windows = 0;
${runLines.join('\n')}
  exit_run(features, scores);
}
`;
  return {
    header: { name: `${sym}.h`, content: header },
    source: { name: `${sym}.c`, content: source },
  };
}
