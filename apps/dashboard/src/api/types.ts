/** The GraphQL shapes the dashboard reads (a subset of the schema at /graphql). */
export type JobStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface Dataset {
  id: string;
  name: string;
  format: string;
  status: string;
  viewCount: number;
  viewNames: string[];
  classNames: string[];
  viewShape: number[];
  trainSize: number;
  testSize: number;
  sizeBytes: number;
  createdAt: string;
}

export interface ModelSummary {
  id: string;
  name: string;
  lastVersion: number;
  config: Record<string, unknown>;
  aliases: { name: string; versionId: string }[];
}

export interface TrainingJob {
  id: string;
  status: JobStatus;
  totalEpochs: number;
  currentEpoch: number;
  progress: number;
  error: string | null;
  params: Record<string, unknown>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  model: { name: string };
  dataset: { name: string };
}

export interface TrainingEpoch {
  epoch: number;
  losses: Record<string, number>;
  accuracies: Record<string, number>;
  elapsedMs: number;
  etaMs: number;
}

export interface TrainingProgress {
  trainingJobId: string;
  status: JobStatus;
  epoch: number;
  epochs: number;
  progress: number;
  losses: Record<string, number> | null;
  accuracies: Record<string, number> | null;
  etaMs: number | null;
  error: string | null;
}

// The evaluation report and operating point are the engine's own types, from the tfjs-free
// model spec (type-only: nothing of it reaches the bundle).
import type { EvaluationReport } from '../../../../libs/model-spec/src/evaluation/evaluation-report';
export type { OperatingPoint } from '../../../../libs/model-spec/src/evaluation/evaluation-report';

/** The evaluation report stored with a version, and the epoch whose weights it holds. */
export type VersionMetrics = EvaluationReport & {
  /** The epoch whose weights the version holds (best on the validation split); older versions lack it. */
  keptEpoch?: { epoch: number; score: number } | null;
};

export interface Partition {
  id: string;
  tier: 'DEVICE' | 'LOCAL' | 'EDGE' | 'CLOUD';
  deviceIndex: number | null;
  sizeBytes: number;
  sha256: string;
}

export interface ModelVersionSummary {
  id: string;
  version: number;
  status: string;
  threshold: number;
  createdAt: string;
  trainingJobId: string;
  model: { name: string };
  aliases: { name: string }[];
}

export interface ModelVersionDetail extends ModelVersionSummary {
  metrics: VersionMetrics;
  partitions: Partition[];
}

export interface EdgeClient {
  id: string;
  name: string;
  role: 'DEVICE' | 'GATEWAY';
  status: 'ACTIVE' | 'REVOKED';
  modelName: string;
  deviceIndex: number | null;
  alias: string | null;
  pinnedVersion: number | null;
  installedVersion: number | null;
  lastSeenAt: string | null;
  counters: { samples?: number; localExits?: number; bytesSent?: number } | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface EnrollmentToken {
  id: string;
  token: string;
  description: string | null;
  expiresAt: string;
}
