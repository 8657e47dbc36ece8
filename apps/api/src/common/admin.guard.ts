import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  UseGuards,
  applyDecorators,
} from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { PlatformConfig } from '@ddnn/contracts';
import { PLATFORM_CONFIG } from './platform-config.token';
import { AdminTokenCheck } from './admin-token';
import { DomainError, ErrorCode } from './domain-error';

/** Management endpoints need `Authorization: Bearer <ADMIN_TOKEN>` (REST and GraphQL). */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly admin: AdminTokenCheck;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.admin = new AdminTokenCheck(config.ADMIN_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const request =
      context.getType<string>() === 'graphql'
        ? (GqlExecutionContext.create(context).getContext<{ reply: { request: FastifyRequest } }>()
            .reply.request as FastifyRequest)
        : context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.admin.matchesHeader(request.headers.authorization)) {
      throw new DomainError(
        ErrorCode.Unauthorized,
        'this operation needs the admin token: send "Authorization: Bearer <ADMIN_TOKEN>"',
      );
    }
    return true;
  }
}

export const AdminOnly = () => applyDecorators(UseGuards(AdminGuard), ApiBearerAuth());
