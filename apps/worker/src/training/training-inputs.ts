import { parseTrainingParameters, type TrainingParameters } from '@ddnn/contracts';
import type { MultiViewDataset } from '@ddnn/datasets';
import { type DdnnConfig, parseDdnnConfig, trainingHyperparametersSchema } from '@ddnn/engine';
import type { DatasetsRepository } from '@ddnn/persistence';
import { loadDatasetSplits } from './dataset-loader';

export interface TrainingInputs {
  config: DdnnConfig;
  params: TrainingParameters;
  train: MultiViewDataset;
  test: MultiViewDataset;
  classNames: string[];
}

/**
 * A job's stored parameters, model config and dataset, checked before any work: parameters are
 * parsed (never cast) and checked against the engine, and the dataset must fit the model.
 * Throws on anything the engine would refuse; such a job must fail at once, never be retried.
 */
export async function loadTrainingInputs(
  datasets: DatasetsRepository,
  row: { params: unknown; datasetId: string; model: { config: unknown } },
): Promise<TrainingInputs> {
  const params = parseTrainingParameters(row.params);
  trainingHyperparametersSchema.parse(params);
  const config = parseDdnnConfig(row.model.config);
  const { train, test, classNames } = await loadDatasetSplits(datasets, row.datasetId);
  const [h, w, c] = train.viewShape;
  if (train.numViews !== config.numDevices || [h, w, c].join('x') !== config.inputShape.join('x')) {
    throw new Error(
      `the dataset has ${train.numViews} views of ${h}x${w}x${c}; the model expects ` +
        `${config.numDevices} views of ${config.inputShape.join('x')}`,
    );
  }
  return { config, params, train, test, classNames };
}
