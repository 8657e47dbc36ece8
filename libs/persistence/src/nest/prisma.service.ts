import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaClient } from '../generated/client';
import { createPrismaClient, type PrismaClientOptions } from '../prisma-client';

/**
 * Owns one Prisma client for the process and closes it on shutdown. Injected as `prisma`; the
 * client itself is exposed rather than wrapped so queries stay fully typed.
 */
@Injectable()
export class PrismaService implements OnModuleDestroy {
  readonly client: PrismaClient;

  constructor(databaseUrl: string, options: PrismaClientOptions = {}) {
    this.client = createPrismaClient(databaseUrl, options);
  }

  /** Whether the database answers a trivial query now (readiness probes). */
  async isReachable(): Promise<boolean> {
    try {
      await this.client.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.$disconnect();
  }
}
