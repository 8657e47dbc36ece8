import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

/** A Prisma client over node-postgres (no native query engine is involved). */
export function createPrismaClient(databaseUrl: string, options: { poolSize?: number } = {}) {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}
