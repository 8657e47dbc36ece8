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
