import { Module } from '@nestjs/common';
import { DatasetPreviewController } from './dataset-preview.controller';
import { DatasetPreviewService } from './dataset-preview.service';

/** What the admin dashboard needs beyond the GraphQL API: dataset contact sheets. */
@Module({
  controllers: [DatasetPreviewController],
  providers: [DatasetPreviewService],
})
export class DashboardModule {}
