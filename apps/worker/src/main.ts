import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadPlatformConfig } from '@ddnn/contracts';
import { ensureDatabase, migrateDatabase } from '@ddnn/persistence';
import { TrainingWorkerService } from './training/training-worker.service';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = loadPlatformConfig();
  await ensureDatabase(config.DATABASE_URL);
  await migrateDatabase(config.DATABASE_URL);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: ['error', 'warn', 'log'],
  });
  app.enableShutdownHooks();
  await app.get(TrainingWorkerService).waitUntilReady();
  console.log(
    `worker ready: queue "${config.QUEUE_PREFIX}:training", concurrency ${config.WORKER_CONCURRENCY}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
