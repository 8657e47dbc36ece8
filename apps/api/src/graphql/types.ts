import { EXIT_WEIGHT_KEYS, TRAINING_PARAMETER_BOUNDS as B } from '@ddnn/contracts';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { JsonScalar } from './json.scalar';

export enum TrainingJobStatusGql {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(TrainingJobStatusGql, { name: 'TrainingJobStatus' });

export enum ModelVersionStatusGql {
  READY = 'READY',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(ModelVersionStatusGql, { name: 'ModelVersionStatus' });

export enum PartitionTierGql {
  DEVICE = 'DEVICE',
  LOCAL = 'LOCAL',
  EDGE = 'EDGE',
  CLOUD = 'CLOUD',
}
registerEnumType(PartitionTierGql, { name: 'PartitionTier' });

@ObjectType('Dataset')
export class DatasetGql {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() format!: string;
  @Field() status!: string;
  @Field(() => Int) viewCount!: number;
  @Field(() => [String]) viewNames!: string[];
  @Field(() => [String]) classNames!: string[];
  @Field(() => [Int]) viewShape!: number[];
  @Field(() => Int) trainSize!: number;
  @Field(() => Int) testSize!: number;
  @Field(() => Int) sizeBytes!: number;
  @Field() sha256!: string;
  @Field() createdAt!: Date;
}

@ObjectType('ModelAlias')
export class ModelAliasGql {
  @Field() name!: string;
  @Field(() => ID) versionId!: string;
  @Field() updatedAt!: Date;
}

@ObjectType('Model')
export class ModelGql {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => JsonScalar) config!: unknown;
  @Field(() => Int, { description: 'Highest version number handed out' }) lastVersion!: number;
  @Field() createdAt!: Date;
}

@ObjectType('Partition')
export class PartitionGql {
  @Field(() => ID) id!: string;
  @Field(() => PartitionTierGql) tier!: PartitionTierGql;
  @Field(() => Int, { nullable: true }) deviceIndex!: number | null;
  @Field(() => Int) formatVersion!: number;
  @Field(() => Int) sizeBytes!: number;
  @Field() sha256!: string;
  @Field(() => JsonScalar) manifest!: unknown;
}

@ObjectType('ModelVersion')
export class ModelVersionGql {
  @Field(() => ID) id!: string;
  @Field(() => ID) modelId!: string;
  @Field(() => Int) version!: number;
  @Field(() => ModelVersionStatusGql) status!: ModelVersionStatusGql;
  @Field(() => JsonScalar) config!: unknown;
  @Field(() => JsonScalar, {
    description: 'Evaluation report: exit/device accuracy, threshold sweep, fault tolerance',
  })
  metrics!: unknown;
  @Field(() => Float, { description: 'Calibrated local-exit entropy threshold T' })
  threshold!: number;
  @Field(() => ID) datasetId!: string;
  @Field(() => ID) trainingJobId!: string;
  @Field() createdAt!: Date;
}

@ObjectType('ModelVersionPage')
export class ModelVersionPageGql {
  @Field(() => [ModelVersionGql]) nodes!: ModelVersionGql[];
  @Field(() => Int) totalCount!: number;
  @Field(() => Int) offset!: number;
  @Field() hasNextPage!: boolean;
}

@ObjectType('TrainingEpoch')
export class TrainingEpochGql {
  @Field(() => Int) epoch!: number;
  @Field(() => JsonScalar) losses!: unknown;
  @Field(() => JsonScalar) accuracies!: unknown;
  @Field(() => Int) elapsedMs!: number;
  @Field(() => Int) etaMs!: number;
}

@ObjectType('TrainingJob')
export class TrainingJobGql {
  @Field(() => ID) id!: string;
  @Field(() => ID) modelId!: string;
  @Field(() => ID) datasetId!: string;
  @Field(() => TrainingJobStatusGql) status!: TrainingJobStatusGql;
  @Field(() => JsonScalar) params!: unknown;
  @Field(() => Int) totalEpochs!: number;
  @Field(() => Int) currentEpoch!: number;
  @Field(() => Float) progress!: number;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Int) attempts!: number;
  @Field() cancelRequested!: boolean;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
}

/** A page of training jobs: the same shape as ModelVersionPage (every paginated list). */
@ObjectType('TrainingJobPage')
export class TrainingJobPageGql {
  @Field(() => [TrainingJobGql]) nodes!: TrainingJobGql[];
  @Field(() => Int) totalCount!: number;
  @Field(() => Int) offset!: number;
  @Field() hasNextPage!: boolean;
}

@ObjectType('TrainingProgress')
export class TrainingProgressGql {
  @Field(() => ID) trainingJobId!: string;
  @Field(() => TrainingJobStatusGql) status!: TrainingJobStatusGql;
  @Field(() => Int) epoch!: number;
  @Field(() => Int) epochs!: number;
  @Field(() => Float) progress!: number;
  @Field(() => JsonScalar, { nullable: true }) losses!: unknown;
  @Field(() => JsonScalar, { nullable: true }) accuracies!: unknown;
  @Field(() => Int, { nullable: true }) etaMs!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
}

@InputType()
export class CreateModelInput {
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description?: string;
  @Field(() => JsonScalar, {
    nullable: true,
    description: 'DdnnConfig; default: the paper MVMC config',
  })
  config?: Record<string, unknown>;
}

@InputType()
export class StartTrainingInput {
  @Field() modelName!: string;
  @Field({ description: 'Dataset id or name' }) dataset!: string;
  @Field(() => Int, {
    nullable: true,
    description: `${B.epochs.min}..${B.epochs.max}, default ${B.epochs.default}`,
  })
  epochs?: number;
  @Field(() => Int, {
    nullable: true,
    description: `${B.batchSize.min}..${B.batchSize.max}, default ${B.batchSize.default}`,
  })
  batchSize?: number;
  @Field(() => Float, {
    nullable: true,
    description: `above ${B.learningRate.above}, at most ${B.learningRate.max}; default ${B.learningRate.default}`,
  })
  learningRate?: number;
  @Field(() => Int, {
    nullable: true,
    description: `${B.seed.min}..${B.seed.max}, default ${B.seed.default}`,
  })
  seed?: number;
  @Field(() => JsonScalar, {
    nullable: true,
    description: `loss weight per exit, keys ${EXIT_WEIGHT_KEYS.join(', ')}, each ${B.exitWeight.min}..${B.exitWeight.max} (default ${B.exitWeight.default}); validated with the REST request's contract`,
  })
  exitWeights?: Record<string, number>;
}

@InputType()
export class ModelVersionFilter {
  @Field(() => String, { nullable: true }) modelName?: string;
  @Field(() => String, { nullable: true }) alias?: string;
  @Field(() => ModelVersionStatusGql, { nullable: true }) status?: ModelVersionStatusGql;
}
