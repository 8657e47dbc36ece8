/**
 * A host program around a generated device source: reads `n` views from stdin and writes, per
 * view, the scores (float32 bit patterns, little-endian uint32), the features and the count of
 * windows decided exactly (uint16 LE).
 */
export function deviceHostHarness(symbol: string): string {
  const S = symbol.toUpperCase();
  return `#include <stdio.h>
#include <stdlib.h>
#include "${symbol}.h"

static uint8_t view[${S}_VIEW_BYTES];

int main(int argc, char **argv) {
  long n, i;
  uint32_t scores[${S}_CLASSES];
  uint8_t features[${S}_FEATURE_BYTES];
  uint8_t le[4];
  int c, k;
  if (argc != 2) return 2;
  n = strtol(argv[1], NULL, 10);
  for (i = 0; i < n; i++) {
    if (fread(view, 1, sizeof view, stdin) != sizeof view) return 3;
    ${symbol}_run(view, scores, features);
    for (c = 0; c < ${S}_CLASSES; c++) {
      for (k = 0; k < 4; k++) le[k] = (uint8_t)(scores[c] >> (8 * k));
      fwrite(le, 1, 4, stdout);
    }
    fwrite(features, 1, sizeof features, stdout);
    le[0] = (uint8_t)(${symbol}_exact_windows & 0xff);
    le[1] = (uint8_t)(${symbol}_exact_windows >> 8);
    fwrite(le, 1, 2, stdout);
  }
  return 0;
}
`;
}

/**
 * A host program around a generated local aggregator: reads `n` records of presence flags and
 * device scores (float32 bits, LE) and writes the aggregated scores, exit flag, predicted class
 * and entropy (float64 LE).
 */
export function localHostHarness(symbol: string): string {
  const S = symbol.toUpperCase();
  return `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "${symbol}.h"

int main(int argc, char **argv) {
  long n, i;
  uint8_t present[${S}_DEVICES];
  uint32_t device_scores[${S}_DEVICES * ${S}_CLASSES];
  uint32_t scores[${S}_CLASSES];
  ${symbol}_decision decision;
  if (argc != 2) return 2;
  n = strtol(argv[1], NULL, 10);
  for (i = 0; i < n; i++) {
    if (fread(present, 1, sizeof present, stdin) != sizeof present) return 3;
    if (fread(device_scores, 1, sizeof device_scores, stdin) != sizeof device_scores) return 3;
    if (${symbol}_aggregate(device_scores, present, scores) != 0) return 4;
    ${symbol}_decide(scores, &decision);
    fwrite(scores, 1, sizeof scores, stdout);
    fwrite(&decision.exit, 1, 1, stdout);
    fwrite(&decision.predicted_class, 1, 1, stdout);
    fwrite(&decision.entropy, 1, sizeof decision.entropy, stdout);
  }
  return 0;
}
`;
}
