import { Inject, Injectable } from '@nestjs/common';
import type { PlatformConfig } from '@ddnn/contracts';
import { EnrollmentToken } from '@ddnn/persistence';
import { DomainError, ErrorCode } from '../common/domain-error';
import { PLATFORM_CONFIG } from '../common/platform-config.token';
import { parseInput } from '../common/zod-validation';
import { hashSecret, newSecret } from './edge-credentials';
import { EdgeClientsRepository } from './edge-clients.repository';
import { createEnrollmentTokenSchema } from './edge-inputs';

export interface IssuedEnrollmentToken {
  id: string;
  /** Shown once: only its sha256 is stored. */
  token: string;
  description: string | null;
  expiresAt: Date;
}

@Injectable()
export class EnrollmentTokensService {
  constructor(
    private readonly repository: EdgeClientsRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  async issue(input: unknown): Promise<IssuedEnrollmentToken> {
    const parsed = parseInput(createEnrollmentTokenSchema, input, 'enrollment token');
    const token = newSecret();
    const lifetime = parsed.expiresInSeconds ?? this.config.EDGE_ENROLLMENT_TTL_SECONDS;
    const record = await this.repository.createEnrollmentToken({
      tokenHash: hashSecret(token),
      description: parsed.description,
      expiresAt: new Date(Date.now() + lifetime * 1000),
    });
    return { id: record.id, token, description: record.description, expiresAt: record.expiresAt };
  }

  /** Refuses an unknown, expired or used token with a message that says which. */
  async checkUsable(token: string): Promise<EnrollmentToken> {
    const record = await this.repository.findEnrollmentToken(hashSecret(token));
    if (!record) {
      throw new DomainError(ErrorCode.EnrollmentTokenRefused, 'unknown enrollment token');
    }
    if (record.usedAt) {
      throw new DomainError(
        ErrorCode.EnrollmentTokenRefused,
        'this enrollment token was already used; ask an admin for a new one',
      );
    }
    if (record.expiresAt.getTime() <= Date.now()) {
      throw new DomainError(
        ErrorCode.EnrollmentTokenRefused,
        `this enrollment token expired at ${record.expiresAt.toISOString()}; ask an admin for a new one`,
      );
    }
    return record;
  }
}
