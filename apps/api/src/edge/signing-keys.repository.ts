import { Injectable } from '@nestjs/common';
import { PrismaService, SigningKey } from '@ddnn/persistence';

/** Stored signing keys, one per purpose, shared by every API process. */
@Injectable()
export class SigningKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(purpose: string): Promise<SigningKey | null> {
    return this.prisma.client.signingKey.findUnique({ where: { purpose } });
  }

  /**
   * Stores the key unless one of its purpose exists, then returns the stored one: of processes
   * racing to create it, every one gets the winner's key.
   */
  async createOrGet(key: {
    purpose: string;
    algorithm: string;
    publicKeyPem: string;
    privateKeyPem: string;
  }): Promise<SigningKey> {
    await this.prisma.client.signingKey.createMany({ data: key, skipDuplicates: true });
    return this.prisma.client.signingKey.findUniqueOrThrow({ where: { purpose: key.purpose } });
  }
}
