/** `npm run db:migrate`: creates the database if needed and applies pending migrations. */
import { ConfigError, loadPlatformConfig } from '@ddnn/contracts';
import { ensureDatabase, migrateDatabase } from '@ddnn/persistence';

async function main(): Promise<void> {
  const config = loadPlatformConfig();
  if (await ensureDatabase(config.DATABASE_URL)) console.log('created the database');
  const { applied, alreadyApplied } = await migrateDatabase(config.DATABASE_URL);
  for (const name of applied) console.log(`applied ${name}`);
  console.log(`${applied.length} applied, ${alreadyApplied.length} already applied`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
  process.exit(1);
});
