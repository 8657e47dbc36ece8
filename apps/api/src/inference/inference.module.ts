import { Module } from '@nestjs/common';
import { EdgeModule } from '../edge/edge.module';
import { ModelsModule } from '../models/models.module';
import { InferenceController } from './inference.controller';
import { InferenceService } from './inference.service';

@Module({
  imports: [ModelsModule, EdgeModule],
  controllers: [InferenceController],
  providers: [InferenceService],
  exports: [InferenceService],
})
export class InferenceModule {}
