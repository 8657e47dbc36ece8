import { Module } from '@nestjs/common';
import { EdgeModule } from '../edge/edge.module';
import { ModelsModule } from '../models/models.module';
import { InferenceController } from './inference.controller';
import { InferenceService } from './inference.service';
import { InferenceStatisticsController } from './statistics/inference-statistics.controller';
import { InferenceStatistics } from './statistics/inference-statistics';

@Module({
  imports: [ModelsModule, EdgeModule],
  controllers: [InferenceController, InferenceStatisticsController],
  providers: [InferenceService, InferenceStatistics],
  exports: [InferenceService, InferenceStatistics],
})
export class InferenceModule {}
