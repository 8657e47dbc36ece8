import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { TrainingJobsRepository } from '@ddnn/persistence';
import { TrainingQueueProducer } from '../training/training-queue.producer';
import { MetricsService } from './metrics.service';

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly queue: TrainingQueueProducer,
    private readonly jobs: TrainingJobsRepository,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    // Queue depth and job states are read at scrape time: they change in other processes.
    const [counts, byStatus] = await Promise.all([this.queue.counts(), this.jobs.countByStatus()]);
    for (const [state, count] of Object.entries(counts))
      this.metrics.queueJobs.set({ state }, count);
    this.metrics.trainingJobs.reset();
    for (const row of byStatus) this.metrics.trainingJobs.set({ status: row.status }, row.count);
    return this.metrics.exposition();
  }
}
