import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { findMigrationsDir } from './find-migrations-dir';

/** Arbitrary constant key for pg_advisory_lock: one migrator at a time per database. */
const MIGRATION_LOCK_KEY = 4_217_733_001;
const BOOKKEEPING_TABLE = '_ddnn_migrations';

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationChecksumError extends Error {
  constructor(readonly migration: string) {
    super(
      `migration ${migration} was changed after it was applied; add a new migration instead of editing it`,
    );
    this.name = 'MigrationChecksumError';
  }
}

/** Reads prisma/migrations/<name>/migration.sql in name order (names start with a timestamp). */
export function readMigrations(migrationsDir: string = findMigrationsDir()): Migration[] {
  return readdirSync(migrationsDir)
    .filter((name) => statSync(join(migrationsDir, name)).isDirectory())
    .sort()
    .map((name) => {
      const sql = readFileSync(join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies pending migrations, each in its own transaction, recording them in a bookkeeping
 * table. Several processes may start at once (api, workers, test files): an advisory lock makes
 * them take turns, and whoever comes second finds nothing left to do.
 */
export async function migrateDatabase(
  databaseUrl: string,
  migrations: Migration[] = readMigrations(),
): Promise<MigrationResult> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS "${BOOKKEEPING_TABLE}" (
           name text PRIMARY KEY,
           checksum char(64) NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query<{ name: string; checksum: string }>(
        `SELECT name, checksum FROM "${BOOKKEEPING_TABLE}"`,
      );
      const done = new Map(rows.map((row) => [row.name, row.checksum]));
      const result: MigrationResult = { applied: [], alreadyApplied: [] };
      for (const migration of migrations) {
        const checksum = done.get(migration.name);
        if (checksum !== undefined) {
          if (checksum !== migration.checksum) throw new MigrationChecksumError(migration.name);
          result.alreadyApplied.push(migration.name);
          continue;
        }
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query(
            `INSERT INTO "${BOOKKEEPING_TABLE}" (name, checksum) VALUES ($1, $2)`,
            [migration.name, migration.checksum],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, {
            cause: error,
          });
        }
        result.applied.push(migration.name);
      }
      return result;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}
