/**
 * The 8 signed sums of one RGB pixel's channels (a, b, c), written to plane p at pixel q (each
 * plane n pixels long): combination p negates channel c when bit c - 1 of p is set. The first
 * layer then needs one plane read per 3x3 tap and filter instead of three. Small enough to inline.
 */
export function writeRgbCombinations(
  planes: Float32Array | Float64Array,
  n: number,
  q: number,
  a: number,
  b: number,
  c: number,
): void {
  const sum = a + b;
  const diff = a - b;
  planes[q] = sum + c;
  planes[n + q] = -(sum + c);
  planes[2 * n + q] = diff + c;
  planes[3 * n + q] = -(diff + c);
  planes[4 * n + q] = sum - c;
  planes[5 * n + q] = c - sum;
  planes[6 * n + q] = diff - c;
  planes[7 * n + q] = c - diff;
}

/**
 * The 4 sums of one RGB pixel's channels with channel 0 added (the other 4 combinations are
 * their negations): combination p negates channel c when bit c - 1 of p is set.
 */
export function writeRgbSums(
  planes: number[],
  n: number,
  q: number,
  a: number,
  b: number,
  c: number,
): void {
  const sum = a + b;
  const diff = a - b;
  planes[q] = sum + c;
  planes[n + q] = diff + c;
  planes[2 * n + q] = sum - c;
  planes[3 * n + q] = diff - c;
}
