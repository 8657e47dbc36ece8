import { DynamicModule, Global, Module } from '@nestjs/common';
import type { PrismaClientOptions } from '../prisma-client';
import { PrismaService } from './prisma.service';

@Global()
@Module({})
export class PersistenceModule {
  static forRoot(databaseUrl: string, options: PrismaClientOptions = {}): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        { provide: PrismaService, useFactory: () => new PrismaService(databaseUrl, options) },
      ],
      exports: [PrismaService],
    };
  }
}
