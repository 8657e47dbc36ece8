import { DynamicModule, Global, Module } from '@nestjs/common';
import type { PrismaClientOptions } from '../prisma-client';
import { DatasetsRepository } from '../repositories/datasets.repository';
import { ModelRegistryRepository } from '../repositories/model-registry.repository';
import { TrainingJobsRepository } from '../repositories/training-jobs.repository';
import { PrismaService } from './prisma.service';

/** The repositories the API and the worker share, over the process's one client. */
const SHARED_REPOSITORIES = [ModelRegistryRepository, DatasetsRepository, TrainingJobsRepository];

@Global()
@Module({})
export class PersistenceModule {
  static forRoot(databaseUrl: string, options: PrismaClientOptions = {}): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        { provide: PrismaService, useFactory: () => new PrismaService(databaseUrl, options) },
        ...SHARED_REPOSITORIES.map((repository) => ({
          provide: repository,
          inject: [PrismaService],
          useFactory: (prisma: PrismaService) => new repository(prisma.client),
        })),
      ],
      exports: [PrismaService, ...SHARED_REPOSITORIES],
    };
  }
}
