import { Module } from '@nestjs/common';
import { ModelsController } from './models.controller';
import { ModelChanges } from './model-changes';
import { ModelsService } from './models.service';

@Module({
  controllers: [ModelsController],
  providers: [ModelsService, ModelChanges],
  exports: [ModelsService, ModelChanges],
})
export class ModelsModule {}
