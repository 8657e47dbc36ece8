import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { DatasetsService } from '../datasets/datasets.service';
import { ModelsService } from '../models/models.service';
import { DatasetGql, ModelGql, TrainingJobGql } from '../graphql/types';

/** A job's model and dataset as objects, so a job list can show their names in one query. */
@Resolver(() => TrainingJobGql)
export class TrainingJobLinksResolver {
  constructor(
    private readonly models: ModelsService,
    private readonly datasets: DatasetsService,
  ) {}

  @ResolveField(() => ModelGql)
  model(@Parent() job: TrainingJobGql) {
    return this.models.getById(job.modelId);
  }

  @ResolveField(() => DatasetGql)
  dataset(@Parent() job: TrainingJobGql) {
    return this.datasets.get(job.datasetId);
  }
}
