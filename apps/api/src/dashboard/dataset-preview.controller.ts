import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminOnly } from '../common/admin.guard';
import { DatasetPreviewService } from './dataset-preview.service';

@ApiTags('datasets')
@Controller('datasets')
export class DatasetPreviewController {
  constructor(private readonly preview: DatasetPreviewService) {}

  @Get(':idOrName/contact-sheet.png')
  @AdminOnly()
  @ApiOperation({
    summary: 'A PNG contact sheet of the first samples: one row per sample, one column per view',
  })
  @ApiProduces('image/png')
  @ApiQuery({ name: 'samples', required: false, description: '1..32, default 8' })
  @ApiQuery({ name: 'split', required: false, enum: ['train', 'test'] })
  async contactSheet(
    @Param('idOrName') idOrName: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const png = await this.preview.contactSheet(idOrName, query);
    // Set on success only: with @Header the image/png type was set before the handler ran, so
    // an error's JSON body could not be sent (fastify refused it) and a 400/404 never arrived.
    reply.header('content-type', 'image/png').header('cache-control', 'private, max-age=300');
    return png;
  }
}
