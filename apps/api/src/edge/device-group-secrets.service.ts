import { Injectable } from '@nestjs/common';
import { PartitionSigningKeyService } from './partition-signing-key.service';

/**
 * The secret a device group shares on its local link (gateway <-> devices): the gateway and each
 * device prove they hold it by HMAC challenge-response on HELLO (docs/edge.md). One secret per
 * model, given to every client registered for it (at registration and by GET
 * /edge/group-secret). Derived from the partition signing key, so every API process gives the same
 * one without storing it; a new signing key means new group secrets (clients fetch them again).
 */
@Injectable()
export class DeviceGroupSecretsService {
  constructor(private readonly signingKey: PartitionSigningKeyService) {}

  async secretFor(modelName: string): Promise<string> {
    const secret = await this.signingKey.deriveSecret(
      `ddnn-device-group-secret/v1\nmodel=${modelName}`,
    );
    return secret.toString('base64url');
  }
}
