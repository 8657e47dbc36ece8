import { ConfigError, loadPlatformConfig } from '@ddnn/contracts';
import { ensureDatabase, migrateDatabase } from '@ddnn/persistence';
import { createApiApp } from './api-app.factory';
import { OipGrpcServer } from './grpc/oip-grpc.server';
import { isClusterWorker, runApiCluster } from './api-cluster';
import { seedBuiltinDatasets } from './datasets/seed-builtin-datasets';

async function main(): Promise<void> {
  const config = loadPlatformConfig();
  const worker = isClusterWorker();
  let migrations = { applied: [] as unknown[], alreadyApplied: [] as unknown[] };
  if (!worker) {
    await ensureDatabase(config.DATABASE_URL);
    migrations = await migrateDatabase(config.DATABASE_URL);
    if (config.API_PROCESSES > 1) return runApiCluster(config);
  }
  const app = await createApiApp(config);
  if (config.SEED_BUILTIN_DATASETS) await seedBuiltinDatasets(app);
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  const grpcPort = await app.get(OipGrpcServer).listen(config.API_HOST, config.GRPC_PORT);
  // a cluster's primary announces the API once every process listens
  if (worker) return;
  console.log(
    `api listening on http://${config.API_HOST}:${config.API_PORT} (docs /docs, GraphQL /graphql), ` +
      `Open Inference Protocol gRPC on ${config.API_HOST}:${grpcPort}; ` +
      `migrations applied: ${migrations.applied.length}, already applied: ${migrations.alreadyApplied.length}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
