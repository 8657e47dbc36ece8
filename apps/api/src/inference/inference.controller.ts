import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PrismaService } from '@ddnn/persistence';
import { DomainError, ErrorCode } from '../common/domain-error';
import { InferenceService } from './inference.service';
import { OIP_SERVER } from './oip-protocol';

/**
 * Open Inference Protocol v2 (KServe/Triton REST). {version} may be a number or an alias.
 * Open to read: serving answers is what the platform is for; rate-limited per client IP.
 * The infer routes are Fastify's own (infer-routes.ts), outside Nest's router; they count
 * against this controller's rate limit.
 */
@ApiTags('inference (Open Inference Protocol v2)')
@Controller('v2')
export class InferenceController {
  constructor(
    private readonly inference: InferenceService,
    private readonly prisma: PrismaService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Server metadata: name, version and the protocol extensions served' })
  serverMetadata() {
    return OIP_SERVER;
  }

  @Get('health/live')
  live() {
    return { live: true };
  }

  @Get('health/ready')
  async ready() {
    if (!(await this.prisma.isReachable())) {
      throw new DomainError(ErrorCode.Unavailable, 'database unreachable');
    }
    return { ready: true };
  }

  @Get('models/:name')
  @ApiOperation({ summary: 'Metadata of the newest version: inputs, outputs, shapes, datatypes' })
  metadata(@Param('name') name: string) {
    return this.inference.metadata(name);
  }

  @Get('models/:name/ready')
  modelReady(@Param('name') name: string) {
    return this.inference.ready(name);
  }

  @Get('models/:name/versions/:version')
  @ApiOperation({ summary: 'Metadata of a version (number or alias)' })
  versionMetadata(@Param('name') name: string, @Param('version') version: string) {
    return this.inference.metadata(name, version);
  }

  @Get('models/:name/versions/:version/ready')
  versionReady(@Param('name') name: string, @Param('version') version: string) {
    return this.inference.ready(name, version);
  }
}
