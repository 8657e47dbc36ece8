/**
 * The engine's view of a multi-view dataset: N samples, V views each (one per end device).
 * Any object with these fields can be trained on or evaluated (libs/datasets produces them).
 *
 * Layout is sample-major and channels-last: pixels[n][v][h][w][c].
 * Uint8 pixels are scaled to [0, 1] by 1/255; Float32 pixels are used as they are.
 * An absent view (the camera does not see the object, or the device is down) has label -1;
 * its pixels are expected to be zeros.
 */
export interface MultiViewData {
  readonly numSamples: number;
  readonly numViews: number;
  /** [height, width, channels] of one view. */
  readonly viewShape: readonly [number, number, number];
  readonly pixels: Float32Array | Uint8Array;
  /** Per-view label, [N * V]; -1 means the view is absent. */
  readonly viewLabels: Int32Array;
  /** Global label of each sample, [N]. */
  readonly labels: Int32Array;
}

export const ABSENT_VIEW_LABEL = -1;

export function viewSize(data: Pick<MultiViewData, 'viewShape'>): number {
  const [h, w, c] = data.viewShape;
  return h * w * c;
}
