import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/admin.guard';
import { PartitionExportService } from './partition-export.service';

const fileSchema = {
  type: 'object',
  required: ['name', 'content'],
  properties: { name: { type: 'string' }, content: { type: 'string' } },
};

@ApiTags('models')
@Controller('models')
export class PartitionExportController {
  constructor(private readonly exports: PartitionExportService) {}

  @Get(':name/versions/:version/partitions/:partition/export')
  @AdminOnly()
  @ApiOperation({
    summary:
      "A version's device partition (binary) or local aggregator as dependency-free C99 (.h + .c), bit-exact with the engine: what `ddnn export --target c` writes",
  })
  @ApiParam({ name: 'version', description: 'a version number or an alias (e.g. production)' })
  @ApiParam({ name: 'partition', description: 'device<N> (e.g. device0) or local' })
  @ApiQuery({ name: 'target', required: true, enum: ['c'] })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['modelName', 'version', 'partition', 'tier', 'target', 'partitionSha256', 'files'],
      properties: {
        modelName: { type: 'string' },
        version: { type: 'integer' },
        partition: { type: 'string', example: 'device0' },
        tier: { type: 'string', enum: ['device', 'local'] },
        deviceIndex: { type: 'integer', nullable: true },
        target: { type: 'string', enum: ['c'] },
        partitionSha256: { type: 'string' },
        symbol: { type: 'string', example: 'ddnn_device0' },
        staticRamBytes: { type: 'integer' },
        tableBytes: { type: 'integer' },
        files: { type: 'array', items: fileSchema },
      },
    },
  })
  export(
    @Param('name') name: string,
    @Param('version') version: string,
    @Param('partition') partition: string,
    @Query() query: unknown,
  ) {
    return this.exports.export(name, version, partition, query);
  }
}
