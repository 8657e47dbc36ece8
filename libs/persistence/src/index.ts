export * from './generated/client';
export { createPrismaClient, type PrismaClientOptions } from './prisma-client';
export { isDatabaseUnavailable } from './database-unavailable';
export {
  migrateDatabase,
  readMigrations,
  MigrationChecksumError,
  type Migration,
  type MigrationResult,
} from './migrations/migration-runner';
export { findMigrationsDir } from './migrations/find-migrations-dir';
export { ensureDatabase, dropDatabase, databaseName, withDatabase } from './database-admin';
export { createTestDatabase, type TestDatabase } from './testing/test-database';
export { PrismaService } from './nest/prisma.service';
export { PersistenceModule } from './nest/persistence.module';
export { toDbBytes } from './bytes';
export type { DatabaseClient } from './repositories/database-client';
export {
  ModelRegistryRepository,
  type NewPartition,
  type NewVersion,
  type PartitionRecord,
  type VersionFilter,
  type VersionRecord,
  type VersionRef,
} from './repositories/model-registry.repository';
export {
  DatasetsRepository,
  type DatasetRecord,
  type DatasetSplit,
} from './repositories/datasets.repository';
export {
  TrainingJobsRepository,
  type RecordedEpoch,
  type TrainingJobFilter,
  type TrainingJobRecord,
} from './repositories/training-jobs.repository';
