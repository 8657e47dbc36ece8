/**
 * The GraphQL shapes the dashboard reads: generated from its operations and the API's schema
 * (graphql.generated.ts). Only what the schema leaves open (JSON scalars) is refined here.
 */
import type {
  DatasetsQuery,
  EdgeClientsQuery,
  EnrollMutation,
  JobEpochsQuery,
  JobFieldsFragment,
  ModelsQuery,
  TrainingJobStatus,
  TrainingProgressUpdatesSubscription,
  VersionFieldsFragment,
  VersionQuery,
} from './graphql.generated';

export type JobStatus = TrainingJobStatus;

export type Dataset = DatasetsQuery['datasets'][number];

export type ModelSummary = Omit<ModelsQuery['models'][number], 'config'> & {
  config: Record<string, unknown>;
};

export type TrainingJob = Omit<JobFieldsFragment, 'params'> & { params: Record<string, unknown> };

export type TrainingEpoch = Omit<
  JobEpochsQuery['trainingJob']['epochs'][number],
  'losses' | 'accuracies'
> & {
  losses: Record<string, number>;
  accuracies: Record<string, number>;
};

export type TrainingProgress = Omit<
  TrainingProgressUpdatesSubscription['trainingProgress'],
  'losses' | 'accuracies'
> & {
  losses: Record<string, number> | null;
  accuracies: Record<string, number> | null;
};

// The evaluation report and operating point are the engine's own types, from the tfjs-free
// model spec (type-only: nothing of it reaches the bundle).
import type { EvaluationReport } from '../../../../libs/model-spec/src/evaluation/evaluation-report';
export type { OperatingPoint } from '../../../../libs/model-spec/src/evaluation/evaluation-report';

/** The evaluation report stored with a version, and the epoch whose weights it holds. */
export type VersionMetrics = EvaluationReport & {
  /** The epoch whose weights the version holds (best on the validation split); older versions lack it. */
  keptEpoch?: { epoch: number; score: number } | null;
};

export type Partition = VersionQuery['modelVersion']['partitions'][number];

export type ModelVersionSummary = VersionFieldsFragment;

export type ModelVersionDetail = Omit<VersionQuery['modelVersion'], 'metrics'> & {
  metrics: VersionMetrics;
};

export type EdgeClient = Omit<EdgeClientsQuery['edgeClients'][number], 'counters'> & {
  counters: { samples?: number; localExits?: number; bytesSent?: number } | null;
};

export type EnrollmentToken = EnrollMutation['createEnrollmentToken'];
