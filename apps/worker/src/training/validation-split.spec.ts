import { createBuiltinDataset, createMultiViewDataset } from '@ddnn/datasets';
import { holdOutValidation, MIN_TRAIN_SAMPLES_FOR_VALIDATION } from './validation-split';

/** numClasses classes of perClass samples each, one 2x2x1 view per sample (pixel = index). */
function dataset(numClasses: number, perClass: number) {
  const n = numClasses * perClass;
  const labels = Int32Array.from({ length: n }, (_, i) => i % numClasses);
  return createMultiViewDataset({
    name: 'tiny',
    classNames: Array.from({ length: numClasses }, (_, c) => `c${c}`),
    viewNames: ['v0'],
    viewShape: [2, 2, 1],
    pixels: Float32Array.from({ length: n * 4 }, (_, i) => Math.floor(i / 4)),
    viewLabels: Int32Array.from(labels),
    labels,
  });
}

describe('holdOutValidation', () => {
  it('holds out a seeded, stratified 15 % of the training set; the rest is trained on', () => {
    const { train } = createBuiltinDataset('synthetic-mvmc', {
      seed: 1,
      trainSize: 200,
      testSize: 10,
    });
    const { fit, validation } = holdOutValidation(train, 5);
    expect(validation).not.toBeNull();
    expect(fit.numSamples + validation!.numSamples).toBe(200);
    expect(validation!.numSamples).toBeGreaterThanOrEqual(28);
    expect(validation!.numSamples).toBeLessThanOrEqual(32);
    // Every class is in both parts.
    expect(new Set(validation!.labels).size).toBe(train.classNames.length);
    expect(new Set(fit.labels).size).toBe(train.classNames.length);
    // Same seed, same split; another seed, another one.
    expect(holdOutValidation(train, 5).validation!.pixels).toEqual(validation!.pixels);
    expect(holdOutValidation(train, 6).validation!.pixels).not.toEqual(validation!.pixels);
  });

  it('holds nothing out below the minimum, or when every class rounds to no sample', () => {
    const small = dataset(2, (MIN_TRAIN_SAMPLES_FOR_VALIDATION - 2) / 2);
    expect(holdOutValidation(small, 1)).toEqual({ fit: small, validation: null });
    // 10 classes of 3: 15 % of 3 rounds to 0 in every class.
    const thin = dataset(10, 3);
    expect(thin.numSamples).toBeGreaterThanOrEqual(MIN_TRAIN_SAMPLES_FOR_VALIDATION);
    expect(holdOutValidation(thin, 1)).toEqual({ fit: thin, validation: null });
  });

  it('keeps every sample of a class too small to split in the training part', () => {
    // 2 classes of 20 and one of 2: the small class stays whole in what is trained on.
    const base = dataset(3, 20);
    const keep = Array.from(base.labels.keys()).filter((i) => base.labels[i] !== 2 || i < 6);
    const skewed = createMultiViewDataset({
      ...base,
      pixels: Float32Array.from(
        keep.flatMap((i) => Array.from(base.pixels.slice(i * 4, i * 4 + 4))),
      ),
      viewLabels: Int32Array.from(keep.map((i) => base.viewLabels[i])),
      labels: Int32Array.from(keep.map((i) => base.labels[i])),
    });
    const { fit, validation } = holdOutValidation(skewed, 1);
    expect(validation!.labels.filter((l) => l === 2)).toHaveLength(0);
    expect(fit.labels.filter((l) => l === 2)).toHaveLength(2);
    expect(validation!.numSamples).toBe(6);
  });
});
