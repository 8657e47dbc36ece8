import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { BullModule } from '@nestjs/bullmq';
import { type PlatformConfig, redisConnectionOptions } from '@ddnn/contracts';
import { PersistenceModule } from '@ddnn/persistence';
import { DomainExceptionFilter } from './common/domain-exception.filter';
import { PLATFORM_CONFIG } from './common/platform-config.token';
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
        PersistenceModule.forRoot(config.DATABASE_URL),
        BullModule.forRoot({
          connection: redisConnectionOptions(config.REDIS_URL),
          prefix: config.QUEUE_PREFIX,
        }),
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
