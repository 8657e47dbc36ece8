import {
  decideExit,
  deviceFeatureBytes,
  ExitThresholds,
  type MultiViewData,
  SampleDecision,
} from '@ddnn/model-spec';
import type { DdnnModel } from '../model/ddnn-model';
import { predictExits, PredictOptions } from './exit-probabilities';

export interface HierarchyAnswer extends SampleDecision {
  /** Bytes each present device sent for this sample: 4|C| scores, plus features if not local. */
  commBytesPerDevice: number;
}

/** Runs raw multi-view samples through the whole hierarchy with early exits. */
export function inferHierarchy(
  model: DdnnModel,
  data: MultiViewData,
  thresholds: ExitThresholds | number,
  options: PredictOptions = {},
): HierarchyAnswer[] {
  const t = typeof thresholds === 'number' ? { local: thresholds } : thresholds;
  const exits = predictExits(model, data, options);
  const scoreBytes = 4 * model.config.numClasses;
  const featureBytes = deviceFeatureBytes(model.config);
  return Array.from({ length: exits.numSamples }, (_, i) => {
    const decision = decideExit(exits, i, t);
    return {
      ...decision,
      commBytesPerDevice: scoreBytes + (decision.exitTier === 'local' ? 0 : featureBytes),
    };
  });
}
