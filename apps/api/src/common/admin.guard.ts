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
import { timingSafeEqual, createHash } from 'node:crypto';
import type { PlatformConfig } from '@ddnn/contracts';
import { PLATFORM_CONFIG } from './platform-config.token';
import { DomainError, ErrorCode } from './domain-error';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Management endpoints need `Authorization: Bearer <ADMIN_TOKEN>` (REST and GraphQL). */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.expected = digest(config.ADMIN_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const request =
      context.getType<string>() === 'graphql'
        ? (GqlExecutionContext.create(context).getContext<{ reply: { request: FastifyRequest } }>()
            .reply.request as FastifyRequest)
        : context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    // Compare digests so the comparison time does not depend on the token's length or content.
    if (!match || !timingSafeEqual(digest(match[1].trim()), this.expected)) {
      throw new DomainError(
        ErrorCode.Unauthorized,
        'this operation needs the admin token: send "Authorization: Bearer <ADMIN_TOKEN>"',
      );
    }
    return true;
  }
}

export const AdminOnly = () => applyDecorators(UseGuards(AdminGuard), ApiBearerAuth());
