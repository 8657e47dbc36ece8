import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AdminOnly } from '../common/admin.guard';
import { IDEMPOTENCY_KEY_HEADER } from './idempotency-key';
import { startTrainingSchema, trainingJobStatuses } from './training-inputs';
import { TrainingService } from './training.service';

@ApiTags('training')
@Controller('training-jobs')
export class TrainingController {
  constructor(private readonly training: TrainingService) {}

  @Post()
  @HttpCode(201)
  @AdminOnly()
  @ApiOperation({ summary: 'Start a training job (returns at once; watch it via GET or GraphQL)' })
  @ApiBody({ schema: z.toJSONSchema(startTrainingSchema, { io: 'input' }) as object })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Any unique string (e.g. a UUID): a retried request with the same key returns the job the first one created',
  })
  start(@Body() body: unknown, @Headers(IDEMPOTENCY_KEY_HEADER) idempotencyKey?: string) {
    return this.training.start(body, idempotencyKey);
  }

  @Get()
  @ApiOperation({ summary: 'List training jobs, newest first' })
  @ApiQuery({ name: 'status', required: false, enum: trainingJobStatuses })
  list(@Query('status') status?: string) {
    return this.training.list({
      status: status as (typeof trainingJobStatuses)[number] | undefined,
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a training job with its epoch history' })
  async get(@Param('id') id: string) {
    return this.training.getWithEpochs(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({
    summary:
      'Cancel a queued or running training job: it ends CANCELLED and publishes no version; 409 if it already finished',
  })
  cancel(@Param('id') id: string) {
    return this.training.cancel(id);
  }
}
