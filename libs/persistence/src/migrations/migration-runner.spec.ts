import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase, withDatabase } from '../database-admin';
import { findMigrationsDir } from './find-migrations-dir';
import { MigrationChecksumError, migrateDatabase, readMigrations } from './migration-runner';

const server = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migrateDatabase', () => {
  let url: string;

  beforeEach(async () => {
    // An empty database (not the migrated template): these tests are about migrating.
    url = withDatabase(server, `ddnn_test_migrate_${Date.now()}_${process.pid}`);
    await ensureDatabase(url);
  });
  afterEach(() => dropDatabase(url));

  it('applies every migration once even when several processes start at the same time', async () => {
    const all = readMigrations();
    const results = await Promise.all([1, 2, 3, 4].map(() => migrateDatabase(url)));
    const appliedCounts = results.map((r) => r.applied.length).sort();
    expect(appliedCounts).toEqual([0, 0, 0, all.length]);
    const rows = await query<{ name: string }>(
      url,
      'SELECT name FROM _ddnn_migrations ORDER BY name',
    );
    expect(rows.map((r) => r.name)).toEqual(all.map((m) => m.name));
    const again = await migrateDatabase(url);
    expect(again).toEqual({ applied: [], alreadyApplied: all.map((m) => m.name) });
  });

  it('rolls back a failing migration and records nothing for it', async () => {
    const good = {
      name: '001_good',
      sql: 'CREATE TABLE t_good (id int)',
      checksum: 'a'.repeat(64),
    };
    const bad = {
      name: '002_bad',
      sql: 'CREATE TABLE t_bad (id int); SELECT no_such_function();',
      checksum: 'b'.repeat(64),
    };
    await expect(migrateDatabase(url, [good, bad])).rejects.toThrow(/migration 002_bad failed/);
    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 't\\_%' ORDER BY 1",
    );
    expect(tables.map((t) => t.table_name)).toEqual(['t_good']);
    const rows = await query<{ name: string }>(url, 'SELECT name FROM _ddnn_migrations');
    expect(rows.map((r) => r.name)).toEqual(['001_good']);
  });

  it('refuses a migration edited after it was applied', async () => {
    const m = { name: '001_x', sql: 'CREATE TABLE t_x (id int)', checksum: 'c'.repeat(64) };
    await migrateDatabase(url, [m]);
    await expect(migrateDatabase(url, [{ ...m, checksum: 'd'.repeat(64) }])).rejects.toThrow(
      MigrationChecksumError,
    );
  });
});

describe('prisma/migrations', () => {
  it('is up to date with prisma/schema.prisma (no schema change without a migration)', async () => {
    const script = join(findMigrationsDir(), '..', '..', 'scripts', 'make-migration.sh');
    const { stdout } = await promisify(execFile)(script, ['--check'], { timeout: 90_000 });
    expect(stdout).toContain('no changes since the last migration');
  });
});
