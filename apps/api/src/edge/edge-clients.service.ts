import { Inject, Injectable } from '@nestjs/common';
import type { PlatformConfig } from '@ddnn/contracts';
import { parseDdnnConfig } from '@ddnn/engine';
import { EdgeClient, ModelRegistryRepository, Prisma } from '@ddnn/persistence';
import { DomainError, ErrorCode } from '../common/domain-error';
import { PLATFORM_CONFIG } from '../common/platform-config.token';
import { parseInput } from '../common/zod-validation';
import { ModelChanges } from '../models/model-changes';
import { ModelsService } from '../models/models.service';
import { EdgeClientView, EdgeClientWithRelations, toEdgeClientView } from './edge-client-view';
import { EdgeClientsRepository } from './edge-clients.repository';
import { hashSecret, newSecret } from './edge-credentials';
import { heartbeatSchema, listClientsSchema, registerClientSchema } from './edge-inputs';
import { DeviceGroupSecretsService } from './device-group-secrets.service';
import { EnrollmentTokensService } from './enrollment-tokens.service';

export interface RegisteredClient {
  client: EdgeClientView;
  /** Shown once: only its sha256 is stored. Send as `Authorization: Bearer <credential>`. */
  credential: string;
  /** The device group's link secret (HELLO challenge-response); also at GET /edge/group-secret. */
  groupSecret: string;
}

export interface HeartbeatAnswer {
  lastSeenAt: Date;
  installedVersion: number | null;
  /** The version the client should run now (its alias's target, or its pinned version). */
  targetVersion: number | null;
  updateAvailable: boolean;
}

/** An authenticated client: the row plus its model's name. */
export type AuthenticatedEdgeClient = EdgeClientWithRelations;

/** Credentials remembered for /v2 infer at most (a hostile client cannot grow it further). */
const MAX_CACHED_CREDENTIALS = 10_000;

@Injectable()
export class EdgeClientsService {
  /** /v2 infer's authenticated credentials by hash, for INFERENCE_RESOLVE_TTL_MS. */
  private readonly inferenceCredentials = new Map<
    string,
    { client: AuthenticatedEdgeClient; expires: number }
  >();

  constructor(
    private readonly repository: EdgeClientsRepository,
    private readonly registry: ModelRegistryRepository,
    private readonly models: ModelsService,
    private readonly enrollmentTokens: EnrollmentTokensService,
    private readonly groupSecrets: DeviceGroupSecretsService,
    private readonly changes: ModelChanges,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    // a revocation in any API process drops its model's cached credentials here
    changes.onChange((modelName) => {
      for (const [hash, entry] of this.inferenceCredentials) {
        if (entry.client.model.name === modelName) this.inferenceCredentials.delete(hash);
      }
    });
  }

  async register(input: unknown): Promise<RegisteredClient> {
    const parsed = parseInput(registerClientSchema, input, 'edge client registration');
    const token = await this.enrollmentTokens.checkUsable(parsed.enrollmentToken);
    const model = await this.models.getByName(parsed.modelName);
    const { numDevices } = parseDdnnConfig(model.config);
    if (parsed.deviceIndex !== undefined && parsed.deviceIndex >= numDevices) {
      throw new DomainError(
        ErrorCode.ValidationFailed,
        `deviceIndex ${parsed.deviceIndex} is out of range: model "${model.name}" has ${numDevices} devices (0..${numDevices - 1})`,
        { problems: [{ field: 'deviceIndex', message: `must be below ${numDevices}` }] },
      );
    }
    // Refuse an alias or version that does not exist now rather than failing every download.
    const version = await this.models.resolveVersion(
      model.name,
      parsed.alias ?? String(parsed.version),
    );
    const credential = newSecret();
    const createdId = await this.repository.createWithToken(
      {
        name: parsed.name,
        modelId: model.id,
        aliasName: parsed.alias ?? null,
        pinnedVersionId: parsed.alias === undefined ? version.id : null,
        deviceIndex: parsed.deviceIndex ?? null,
        role: parsed.gateway ? 'GATEWAY' : 'DEVICE',
        credentialHash: hashSecret(credential),
      },
      token.id,
    );
    if (createdId === null) {
      throw new DomainError(
        ErrorCode.EnrollmentTokenRefused,
        'this enrollment token was used or expired meanwhile; ask an admin for a new one',
      );
    }
    const groupSecret = await this.groupSecrets.secretFor(model.name);
    return { client: toEdgeClientView(await this.find(createdId)), credential, groupSecret };
  }

  /** The group secret of an authenticated client's model (for clients registered before it). */
  async groupSecretOf(
    client: AuthenticatedEdgeClient,
  ): Promise<{ modelName: string; groupSecret: string }> {
    return {
      modelName: client.model.name,
      groupSecret: await this.groupSecrets.secretFor(client.model.name),
    };
  }

  async list(input: unknown): Promise<EdgeClientView[]> {
    const parsed = parseInput(listClientsSchema, input, 'edge client filter');
    const clients = await this.repository.list({
      modelName: parsed.modelName,
      status: parsed.status,
    });
    return clients.map(toEdgeClientView);
  }

  async get(id: string): Promise<EdgeClientView> {
    return toEdgeClientView(await this.find(id));
  }

  /** Revokes at once: the credential stops working on the next request. Idempotent. */
  async revoke(id: string): Promise<EdgeClientView> {
    const client = await this.find(id);
    await this.repository.revoke(id);
    // /v2 infer caches credentials: every API process drops this model's at once
    await this.changes.announce(client.model.name);
    return this.get(id);
  }

  /**
   * authenticate() for the /v2 hot path: a credential that authenticated is remembered for
   * INFERENCE_RESOLVE_TTL_MS, so an edge gateway's calls need no database round trip. A
   * revocation reaches every API process at once over Redis, else within that TTL.
   */
  async authenticateForInference(credential: string): Promise<AuthenticatedEdgeClient> {
    const ttl = this.config.INFERENCE_RESOLVE_TTL_MS;
    if (ttl === 0) return this.authenticate(credential);
    const hash = hashSecret(credential);
    const now = Date.now();
    const hit = this.inferenceCredentials.get(hash);
    if (hit && hit.expires > now) return hit.client;
    const client = await this.authenticate(credential);
    if (this.inferenceCredentials.size >= MAX_CACHED_CREDENTIALS) this.inferenceCredentials.clear();
    this.inferenceCredentials.set(hash, { client, expires: now + ttl });
    return client;
  }

  /** The client a credential belongs to; 401 when unknown or revoked. */
  async authenticate(credential: string | undefined): Promise<AuthenticatedEdgeClient> {
    if (!credential) {
      throw new DomainError(
        ErrorCode.Unauthorized,
        'edge client credential missing: send "Authorization: Bearer <credential>"',
      );
    }
    const client = await this.repository.findByCredentialHash(hashSecret(credential));
    if (!client) throw new DomainError(ErrorCode.Unauthorized, 'unknown edge client credential');
    if (client.status === 'REVOKED') {
      throw new DomainError(
        ErrorCode.Unauthorized,
        `edge client "${client.name}" was revoked${client.revokedAt ? ` at ${client.revokedAt.toISOString()}` : ''}; register it again with a new enrollment token`,
      );
    }
    return client;
  }

  async heartbeat(client: AuthenticatedEdgeClient, input: unknown): Promise<HeartbeatAnswer> {
    const parsed = parseInput(heartbeatSchema, input, 'heartbeat');
    let installedVersionId: string | null = null;
    if (parsed.installedVersion !== undefined && parsed.installedVersion !== null) {
      const installed = await this.registry.resolveVersionRef(client.modelId, {
        version: parsed.installedVersion,
      });
      if (!installed) {
        throw new DomainError(
          ErrorCode.ValidationFailed,
          `installedVersion ${parsed.installedVersion} is not a version of model "${client.model.name}"`,
          { problems: [{ field: 'installedVersion', message: 'unknown version' }] },
        );
      }
      installedVersionId = installed.id;
    }
    const lastSeenAt = new Date();
    await this.repository.recordHeartbeat(client.id, {
      lastSeenAt,
      ...(parsed.counters ? { counters: parsed.counters as Prisma.InputJsonValue } : {}),
      ...(parsed.installedVersion !== undefined ? { installedVersionId } : {}),
    });
    const target = await this.targetVersion(client).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === ErrorCode.ModelVersionNotFound) {
        return null; // the alias was deleted: report, do not fail the heartbeat
      }
      throw error;
    });
    const installedVersion =
      parsed.installedVersion === undefined
        ? (client.installedVersion?.version ?? null)
        : parsed.installedVersion;
    return {
      lastSeenAt,
      installedVersion,
      targetVersion: target?.version ?? null,
      updateAvailable: target !== null && target.version !== installedVersion,
    };
  }

  /** The version a client runs now: its pinned version, or where its alias points right now. */
  async targetVersion(client: EdgeClient): Promise<{ id: string; version: number }> {
    const target = client.pinnedVersionId
      ? await this.registry.findVersionById(client.pinnedVersionId)
      : client.aliasName
        ? await this.registry.resolveVersionRef(client.modelId, { alias: client.aliasName })
        : null;
    if (target) return { id: target.id, version: target.version };
    throw new DomainError(
      ErrorCode.ModelVersionNotFound,
      client.aliasName
        ? `alias "${client.aliasName}" of this client's model points at no version`
        : "this client's pinned version no longer exists",
    );
  }

  private async find(id: string): Promise<EdgeClientWithRelations> {
    const client = /^[0-9a-f-]{36}$/i.test(id) ? await this.repository.findById(id) : null;
    if (!client) throw new DomainError(ErrorCode.EdgeClientNotFound, `no edge client ${id}`);
    return client;
  }
}
