import { UseGuards } from '@nestjs/common';
import {
  Args,
  ID,
  Int,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { AdminGuard } from '../common/admin.guard';
import { TrainingService } from './training.service';
import { TrainingProgressPubSub } from '../graphql/training-progress-pubsub';
import { trainingProgressStream } from '../graphql/training-progress-stream';
import {
  StartTrainingInput,
  TrainingEpochGql,
  TrainingJobGql,
  TrainingJobPageGql,
  TrainingJobStatusGql,
  TrainingProgressGql,
} from '../graphql/types';
import { withoutNulls } from '../graphql/without-nulls';

@Resolver(() => TrainingJobGql)
export class TrainingResolver {
  constructor(
    private readonly training: TrainingService,
    private readonly progress: TrainingProgressPubSub,
  ) {}

  @Query(() => TrainingJobPageGql, {
    description: 'Jobs, newest first; filter by status and model; first (1-100, default 20)/offset',
  })
  trainingJobs(
    @Args('status', { type: () => TrainingJobStatusGql, nullable: true })
    status?: TrainingJobStatusGql,
    @Args('modelName', { nullable: true }) modelName?: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('offset', { type: () => Int, nullable: true }) offset?: number,
  ) {
    return this.training.listPage(withoutNulls({ status, modelName, first, offset }));
  }

  @Query(() => TrainingJobGql)
  trainingJob(@Args('id', { type: () => ID }) id: string) {
    return this.training.get(id);
  }

  @ResolveField(() => [TrainingEpochGql])
  epochs(@Parent() job: TrainingJobGql) {
    return this.training.epochsOf(job.id);
  }

  @Mutation(() => TrainingJobGql)
  @UseGuards(AdminGuard)
  startTraining(
    @Args('input') input: StartTrainingInput,
    @Args('idempotencyKey', {
      nullable: true,
      description:
        'As the Idempotency-Key header of POST /training-jobs: a retry returns the same job',
    })
    idempotencyKey?: string,
  ) {
    return this.training.start(withoutNulls(input), idempotencyKey ?? undefined);
  }

  @Mutation(() => TrainingJobGql)
  @UseGuards(AdminGuard)
  cancelTraining(@Args('id', { type: () => ID }) id: string) {
    return this.training.cancel(id);
  }

  @Mutation(() => TrainingJobGql, {
    description: 'Start a failed or cancelled job again: a new job with the same parameters',
  })
  @UseGuards(AdminGuard)
  retryTraining(@Args('id', { type: () => ID }) id: string) {
    return this.training.retry(id);
  }

  @Subscription(() => TrainingProgressGql, {
    description:
      'Live progress of one training job: an event per epoch, then its final status, then complete. ' +
      'A finished job yields its final status and completes; an unknown job is an error.',
  })
  async trainingProgress(@Args('jobId', { type: () => ID }) jobId: string) {
    // Subscribed before the job is read, so nothing published in between is lost.
    const events = this.progress.subscribe(jobId);
    let job;
    try {
      job = await this.training.get(jobId);
    } catch (error) {
      await events.return?.();
      throw error;
    }
    return trainingProgressStream(job, events, () => this.training.get(jobId));
  }
}
