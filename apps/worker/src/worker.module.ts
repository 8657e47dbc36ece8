import { DynamicModule, Module } from '@nestjs/common';
import type { PlatformConfig } from '@ddnn/contracts';
import { TrainingJobReaperService } from './training/training-job-reaper.service';
import { TrainingWorkerService } from './training/training-worker.service';
import { WORKER_CONFIG } from './worker-config.token';

@Module({})
export class WorkerModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        TrainingWorkerService,
        TrainingJobReaperService,
      ],
    };
  }
}
