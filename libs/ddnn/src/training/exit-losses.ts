import * as tf from '@tensorflow/tfjs-core';
import { argMaxRow } from '@ddnn/model-spec';

/** One-hot rows; a label of -1 (absent view) gives an all-zero row, which the loss ignores. */
export function oneHotMasked(
  labels: Int32Array,
  classes: number,
): { oneHot: tf.Tensor2D; count: number } {
  const values = new Float32Array(labels.length * classes);
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label >= 0) {
      values[i * classes + label] = 1;
      count++;
    }
  }
  return { oneHot: tf.tensor2d(values, [labels.length, classes]), count };
}

/** Mean softmax cross-entropy over the labelled rows (0 when no row is labelled). */
export function maskedCrossEntropy(
  scores: tf.Tensor2D,
  oneHot: tf.Tensor2D,
  count: number,
): tf.Scalar {
  return tf.tidy(() => {
    const perRow = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(scores)), 1));
    return tf.div(tf.sum(perRow), Math.max(count, 1)) as tf.Scalar;
  });
}

/** Number of rows whose arg-max equals the label (rows labelled -1 are not counted). */
export function countCorrect(scores: Float32Array, labels: Int32Array, classes: number): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) continue;
    if (argMaxRow(scores, i, classes) === labels[i]) correct++;
  }
  return correct;
}
