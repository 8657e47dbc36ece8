import { Injectable } from '@nestjs/common';
import {
  EdgeClientRole,
  EdgeClientStatus,
  EnrollmentToken,
  Prisma,
  PrismaService,
} from '@ddnn/persistence';
import { edgeClientViewInclude, EdgeClientWithRelations } from './edge-client-view';

export interface NewEdgeClient {
  name: string;
  modelId: string;
  aliasName: string | null;
  pinnedVersionId: string | null;
  deviceIndex: number | null;
  role: EdgeClientRole;
  credentialHash: string;
}

/** Thrown inside the registering transaction to roll it back; never leaves this file. */
class TokenTakenMeanwhile extends Error {}

/** Edge clients and the enrollment tokens they register with. */
@Injectable()
export class EdgeClientsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates the client and marks its enrollment token used by it, in one transaction. The
   * conditional update is what makes a token single-use when two registrations race with it:
   * null when the token was used or expired meanwhile (nothing is created then).
   */
  async createWithToken(client: NewEdgeClient, tokenId: string): Promise<string | null> {
    try {
      // Single statements only: Prisma loads an `include`'s relations with concurrent queries,
      // which on a transaction's one pg connection overlap (pg's "client.query() when the client
      // is already executing a query" deprecation). The view is read after commit.
      return await this.prisma.client.$transaction(async (tx) => {
        const { id } = await tx.edgeClient.create({ data: client, select: { id: true } });
        const { count } = await tx.enrollmentToken.updateMany({
          where: { id: tokenId, usedAt: null, expiresAt: { gt: new Date() } },
          data: { usedAt: new Date(), edgeClientId: id },
        });
        if (count !== 1) throw new TokenTakenMeanwhile();
        return id;
      });
    } catch (error) {
      if (error instanceof TokenTakenMeanwhile) return null;
      throw error;
    }
  }

  list(filter: {
    modelName?: string;
    status?: EdgeClientStatus;
  }): Promise<EdgeClientWithRelations[]> {
    return this.prisma.client.edgeClient.findMany({
      where: {
        ...(filter.modelName ? { model: { name: filter.modelName } } : {}),
        ...(filter.status ? { status: filter.status } : {}),
      },
      include: edgeClientViewInclude,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  findById(id: string): Promise<EdgeClientWithRelations | null> {
    return this.prisma.client.edgeClient.findUnique({
      where: { id },
      include: edgeClientViewInclude,
    });
  }

  findByCredentialHash(credentialHash: string): Promise<EdgeClientWithRelations | null> {
    return this.prisma.client.edgeClient.findUnique({
      where: { credentialHash },
      include: edgeClientViewInclude,
    });
  }

  /** Idempotent: a revoked client keeps its first revocation time. */
  async revoke(id: string): Promise<void> {
    await this.prisma.client.edgeClient.updateMany({
      where: { id, status: 'ACTIVE' },
      data: { status: 'REVOKED', revokedAt: new Date() },
    });
  }

  async recordHeartbeat(
    id: string,
    heartbeat: {
      lastSeenAt: Date;
      counters?: Prisma.InputJsonValue;
      /** Left out: unchanged; null: none installed. */
      installedVersionId?: string | null;
    },
  ): Promise<void> {
    await this.prisma.client.edgeClient.update({ where: { id }, data: heartbeat });
  }

  createEnrollmentToken(data: {
    tokenHash: string;
    description?: string;
    expiresAt: Date;
  }): Promise<EnrollmentToken> {
    return this.prisma.client.enrollmentToken.create({ data });
  }

  findEnrollmentToken(tokenHash: string): Promise<EnrollmentToken | null> {
    return this.prisma.client.enrollmentToken.findUnique({ where: { tokenHash } });
  }
}
