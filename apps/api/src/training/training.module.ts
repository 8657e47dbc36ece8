import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { QueueName } from '@ddnn/contracts';
import { DatasetsModule } from '../datasets/datasets.module';
import { ModelsModule } from '../models/models.module';
import { TrainingQueueProducer } from './training-queue.producer';
import { TrainingController } from './training.controller';
import { TrainingService } from './training.service';

@Module({
  imports: [BullModule.registerQueue({ name: QueueName.Training }), DatasetsModule, ModelsModule],
  controllers: [TrainingController],
  providers: [TrainingService, TrainingQueueProducer],
  exports: [TrainingService, TrainingQueueProducer],
})
export class TrainingModule {}
