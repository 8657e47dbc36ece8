import { Module } from '@nestjs/common';
import { ModelsController } from './models.controller';
import { ModelChanges } from './model-changes';
import { ModelsService } from './models.service';
import { PartitionExportController } from './partition-export.controller';
import { PartitionExportService } from './partition-export.service';

@Module({
  controllers: [ModelsController, PartitionExportController],
  providers: [ModelsService, ModelChanges, PartitionExportService],
  exports: [ModelsService, ModelChanges],
})
export class ModelsModule {}
