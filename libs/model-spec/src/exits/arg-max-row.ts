/** The class with the highest score in one row of [rows, classes] scores (first on ties). */
export function argMaxRow(scores: ArrayLike<number>, row: number, classes: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let c = 0; c < classes; c++) {
    const v = scores[row * classes + c];
    if (v > bestValue) {
      bestValue = v;
      best = c;
    }
  }
  return best;
}
