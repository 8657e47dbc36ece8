import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { BullModule } from '@nestjs/bullmq';
import { type PlatformConfig, redisProducerConnectionOptions } from '@ddnn/contracts';
import { PersistenceModule } from '@ddnn/persistence';
import { DomainExceptionFilter } from './common/domain-exception.filter';
import { PLATFORM_CONFIG } from './common/platform-config.token';
import { RateLimitModule } from './common/rate-limit.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DatasetsModule } from './datasets/datasets.module';
import { EdgeModule } from './edge/edge.module';
import { ApiGraphqlModule } from './graphql/api-graphql.module';
import { GrpcModule } from './grpc/grpc.module';
import { HealthController } from './health/health.controller';
import { InferenceModule } from './inference/inference.module';
import { MetricsModule } from './metrics/metrics.module';
import { ModelsModule } from './models/models.module';
import { TrainingModule } from './training/training.module';

@Global()
@Module({})
class ConfigModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: PLATFORM_CONFIG, useValue: config }],
      exports: [PLATFORM_CONFIG],
    };
  }
}

@Module({})
export class ApiModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule.forRoot(config.DATABASE_URL, {
          connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
          queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
        }),
        BullModule.forRoot({
          // Producer options: a Redis outage fails enqueueing fast (503) instead of hanging.
          connection: redisProducerConnectionOptions(
            config.REDIS_URL,
            config.REDIS_COMMAND_TIMEOUT_MS,
          ),
          prefix: config.QUEUE_PREFIX,
        }),
        RateLimitModule,
        DatasetsModule,
        ModelsModule,
        TrainingModule,
        MetricsModule,
        ApiGraphqlModule,
        InferenceModule,
        GrpcModule,
        EdgeModule,
        DashboardModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: DomainExceptionFilter }],
    };
  }
}
