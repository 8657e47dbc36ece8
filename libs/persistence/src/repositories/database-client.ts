import type { Prisma, PrismaClient } from '../generated/client';

/**
 * What a repository queries through: the process's client, or the client of a transaction a
 * caller opened (`prisma.$transaction(async (tx) => new XRepository(tx)...)`), so several
 * repositories' writes can commit together.
 */
export type DatabaseClient = PrismaClient | Prisma.TransactionClient;
