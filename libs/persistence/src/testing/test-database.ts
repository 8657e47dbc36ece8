import { createHash, randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, withDatabase } from '../database-admin';
import { migrateDatabase, readMigrations } from '../migrations/migration-runner';

/** "source database is being accessed by other users": another test process is migrating it. */
const OBJECT_IN_USE = '55006';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

function serverUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

/**
 * The template is named for its migrations, so checkouts with different migrations (branches,
 * worktrees) sharing one PostgreSQL never migrate each other's template.
 */
function templateName(): string {
  const hash = createHash('sha256');
  for (const migration of readMigrations())
    hash.update(`${migration.name}:${migration.checksum}\n`);
  return `ddnn_test_template_${hash.digest('hex').slice(0, 12)}`;
}

/**
 * A fresh, migrated database for one test file: cloned from a template database that is
 * migrated once (and again only when a new migration appears). Drop it in afterAll.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = templateName();
  const templateUrl = withDatabase(serverUrl(), template);
  await ensureDatabase(templateUrl);
  await migrateDatabase(templateUrl);
  const name = `ddnn_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(serverUrl(), name);
  for (let attempt = 0; ; attempt++) {
    try {
      await ensureDatabase(url, template);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== OBJECT_IN_USE || attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
  return { url, drop: () => dropDatabase(url) };
}
