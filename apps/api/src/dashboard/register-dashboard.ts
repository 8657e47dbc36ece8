import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { type PlatformConfig, QueueName } from '@ddnn/contracts';
import { serveDashboard } from './dashboard-static';
import { serveGraphiql } from './graphiql-page';
import { mountQueueBoard } from './queue-board';

/**
 * Mounts the dashboard's static files at /dashboard, GraphiQL (from the same build) at /graphiql
 * and the queue board at /admin/queues.
 */
export async function registerDashboard(
  app: NestFastifyApplication,
  config: PlatformConfig,
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  await serveDashboard(fastify);
  serveGraphiql(fastify, config.GRAPHQL_GRAPHIQL);
  const queues = Object.values(QueueName).map((name) => app.get<Queue>(getQueueToken(name)));
  await mountQueueBoard(fastify, queues, config.ADMIN_TOKEN, config.NODE_ENV === 'production');
}
