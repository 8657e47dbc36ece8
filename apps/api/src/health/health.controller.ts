import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PrismaService } from '@ddnn/persistence';
import { DomainError, ErrorCode } from '../common/domain-error';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly prisma: PrismaService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and database reachability' })
  async health() {
    if (!(await this.prisma.isReachable())) {
      throw new DomainError(ErrorCode.Unavailable, 'database unreachable');
    }
    return { status: 'ok' };
  }
}
