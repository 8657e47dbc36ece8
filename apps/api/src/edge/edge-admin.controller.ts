import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AdminOnly } from '../common/admin.guard';
import { EdgeClientsService } from './edge-clients.service';
import { createEnrollmentTokenSchema, edgeClientStatuses } from './edge-inputs';
import { EnrollmentTokensService } from './enrollment-tokens.service';

/** Admin side of the edge tier: enrollment tokens, the client list, revocation. */
@ApiTags('edge (admin)')
@Controller('edge')
export class EdgeAdminController {
  constructor(
    private readonly tokens: EnrollmentTokensService,
    private readonly clients: EdgeClientsService,
  ) {}

  @Post('enrollment-tokens')
  @HttpCode(201)
  @AdminOnly()
  @ApiOperation({
    summary: 'Create a single-use enrollment token (shown once) for registering one edge client',
  })
  @ApiBody({ schema: z.toJSONSchema(createEnrollmentTokenSchema, { io: 'input' }) as object })
  createToken(@Body() body: unknown) {
    return this.tokens.issue(body ?? {});
  }

  @Get('clients')
  @AdminOnly()
  @ApiOperation({ summary: 'List edge clients (never their credentials)' })
  @ApiQuery({ name: 'modelName', required: false })
  @ApiQuery({ name: 'status', required: false, enum: edgeClientStatuses })
  list(@Query('modelName') modelName?: string, @Query('status') status?: string) {
    return this.clients.list({ modelName, status });
  }

  @Post('clients/:id/revoke')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({ summary: 'Revoke an edge client: its credential stops working at once' })
  revoke(@Param('id') id: string) {
    return this.clients.revoke(id);
  }
}
