import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  UseGuards,
  applyDecorators,
} from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { bearerSecret } from './edge-credentials';
import { AuthenticatedEdgeClient, EdgeClientsService } from './edge-clients.service';

type RequestWithClient = FastifyRequest & { edgeClient?: AuthenticatedEdgeClient };

/** Endpoints of edge clients: `Authorization: Bearer <client credential>`; 401 if unknown/revoked. */
@Injectable()
export class EdgeClientGuard implements CanActivate {
  constructor(private readonly clients: EdgeClientsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithClient>();
    request.edgeClient = await this.clients.authenticate(
      bearerSecret(request.headers.authorization),
    );
    return true;
  }
}

export const EdgeClientOnly = () =>
  applyDecorators(UseGuards(EdgeClientGuard), ApiBearerAuth('edge-client'));

/** The client EdgeClientGuard authenticated. */
export const CurrentEdgeClient = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedEdgeClient => {
    const client = context.switchToHttp().getRequest<RequestWithClient>().edgeClient;
    if (!client) throw new Error('CurrentEdgeClient used without EdgeClientGuard');
    return client;
  },
);
