import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/admin.guard';
import { DatasetPreviewService } from './dataset-preview.service';

@ApiTags('datasets')
@Controller('datasets')
export class DatasetPreviewController {
  constructor(private readonly preview: DatasetPreviewService) {}

  @Get(':idOrName/contact-sheet.png')
  @AdminOnly()
  @Header('content-type', 'image/png')
  @Header('cache-control', 'private, max-age=300')
  @ApiOperation({
    summary: 'A PNG contact sheet of the first samples: one row per sample, one column per view',
  })
  @ApiProduces('image/png')
  @ApiQuery({ name: 'samples', required: false, description: '1..32, default 8' })
  @ApiQuery({ name: 'split', required: false, enum: ['train', 'test'] })
  contactSheet(@Param('idOrName') idOrName: string, @Query() query: unknown) {
    return this.preview.contactSheet(idOrName, query);
  }
}
