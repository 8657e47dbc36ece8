import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import type { PlatformConfig } from '@ddnn/contracts';
import { PLATFORM_CONFIG } from '../common/platform-config.token';
import { DatasetsModule } from '../datasets/datasets.module';
import { ModelsModule } from '../models/models.module';
import { TrainingModule } from '../training/training.module';
import { graphqlErrorFormatter } from './graphql-over-http';
import { DatasetsResolver } from '../datasets/datasets.resolver';
import { graphqlLimitRules, graphqlParseOptions } from './graphql-limits';
import { GraphqlWsServer } from './graphql-ws.server';
import { ModelVersionsResolver } from '../models/model-versions.resolver';
import { ModelsResolver } from '../models/models.resolver';
import { SubscriptionLimits } from './subscription-limits';
import { TrainingEventsBridge } from './training-events.bridge';
import { TrainingProgressPubSub } from './training-progress-pubsub';
import { TrainingJobLinksResolver } from '../training/training-job-links.resolver';
import { TrainingResolver } from '../training/training.resolver';

/**
 * GraphQL at /graphql (GraphiQL at /graphiql unless turned off, see GRAPHQL_GRAPHIQL). Limits on
 * every operation: graphql-limits.ts; on subscriptions: subscription-limits.ts. Mercurius rather
 * than Apollo serves HTTP: it is a Fastify plugin (same server, same hooks, no Express layer) and
 * compiles queries with graphql-jit. Subscriptions run over WebSocket on the same path with the
 * graphql-ws library (graphql-ws.server.ts), which follows the graphql-transport-ws protocol
 * including its close codes.
 */
@Module({
  imports: [
    GraphQLModule.forRootAsync<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      inject: [PLATFORM_CONFIG],
      useFactory: (config: PlatformConfig) => ({
        autoSchemaFile: true,
        sortSchema: true,
        // Subscriptions are served by graphql-ws (graphql-ws.server.ts), not Mercurius' server.
        subscription: false,
        graphiql: false, // Mercurius' page loads GraphiQL from a CDN: see dashboard/graphiql-page.ts
        validationRules: graphqlLimitRules(config),
        graphql: { parseOptions: graphqlParseOptions(config) },
        // Mercurius loads its parsed-query LRU with a dynamic ESM import, which Jest's CommonJS
        // runtime cannot run; GraphQL here is low-volume management traffic (inference is REST).
        cache: false,
        errorFormatter: graphqlErrorFormatter,
      }),
    }),
    DatasetsModule,
    ModelsModule,
    TrainingModule,
  ],
  providers: [
    DatasetsResolver,
    ModelsResolver,
    ModelVersionsResolver,
    TrainingResolver,
    TrainingJobLinksResolver,
    TrainingEventsBridge,
    SubscriptionLimits,
    TrainingProgressPubSub,
    GraphqlWsServer,
  ],
})
export class ApiGraphqlModule {}
