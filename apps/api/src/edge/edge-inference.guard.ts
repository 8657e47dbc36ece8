import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { PlatformConfig } from '@ddnn/contracts';
import { AdminTokenCheck } from '../common/admin-token';
import { DomainError, ErrorCode } from '../common/domain-error';
import { PLATFORM_CONFIG } from '../common/platform-config.token';
import { bearerSecret } from './edge-credentials';
import { AuthenticatedEdgeClient, EdgeClientsService } from './edge-clients.service';
import { EdgeTrafficMetrics } from './edge-traffic.metrics';

type InferRequest = FastifyRequest<{ Params: { name?: string } }> & {
  edgeClient?: AuthenticatedEdgeClient;
};

/**
 * /v2 infer as called by edge gateways for the cloud tier (mode a), with their credential. A
 * credential sent is always checked (401 unknown/revoked), must be a gateway's (a device sends
 * its features to its gateway, never to the cloud: 403) and only reaches its own model (403);
 * without one, the request passes when INFERENCE_AUTH is "open" (the default) and is refused
 * when it is "credential". The admin token is accepted too (tools, benchmarks).
 */
@Injectable()
export class EdgeInferenceGuard implements CanActivate {
  private readonly admin: AdminTokenCheck;

  constructor(
    private readonly clients: EdgeClientsService,
    private readonly traffic: EdgeTrafficMetrics,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    this.admin = new AdminTokenCheck(config.ADMIN_TOKEN);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<InferRequest>();
    const client = await this.authorize(
      request.headers.authorization,
      request.params.name,
      Number(request.headers['content-length']),
    );
    if (client) request.edgeClient = client;
    return true;
  }

  /**
   * The check itself, shared by REST and gRPC (authorization metadata): the edge client calling,
   * undefined for an anonymous (open mode) or admin call; throws 401/403 as described above.
   */
  async authorize(
    authorization: string | undefined,
    modelName: string | undefined,
    requestBytes: number,
  ): Promise<AuthenticatedEdgeClient | undefined> {
    const secret = bearerSecret(authorization);
    if (secret === undefined) {
      if (this.config.INFERENCE_AUTH === 'open') return undefined;
      throw new DomainError(
        ErrorCode.Unauthorized,
        'inference needs a credential: send "Authorization: Bearer <edge client credential>"',
      );
    }
    if (this.admin.isAdminToken(secret)) return undefined;
    const client = await this.clients.authenticateForInference(secret);
    if (client.role !== 'GATEWAY') {
      throw new DomainError(
        ErrorCode.Forbidden,
        `only gateway clients call the cloud tier: edge client "${client.name}" is registered as a device${client.deviceIndex === null ? '' : ` (device ${client.deviceIndex})`}; its group's gateway sends the features to /v2 infer`,
      );
    }
    if (modelName !== client.model.name) {
      throw new DomainError(
        ErrorCode.Forbidden,
        `this client is registered for model "${client.model.name}"; it cannot call "${modelName ?? ''}"`,
      );
    }
    this.traffic.record(client.model.name, client.id, requestBytes);
    return client;
  }
}
