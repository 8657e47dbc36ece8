import { Module } from '@nestjs/common';
import { ModelsController } from './models.controller';
import { ModelsService } from './models.service';
import { PartitionExportController } from './partition-export.controller';
import { PartitionExportService } from './partition-export.service';

@Module({
  controllers: [ModelsController, PartitionExportController],
  providers: [ModelsService, PartitionExportService],
  exports: [ModelsService],
})
export class ModelsModule {}
