import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AdminOnly } from '../common/admin.guard';
import { RateLimitGuard } from '../common/rate-limit.guard';
import { createBuiltinDatasetSchema } from './dataset-inputs';
import { DatasetsService } from './datasets.service';
import { receiveUpload } from './multipart-upload';

@ApiTags('datasets')
@Controller('datasets')
export class DatasetsController {
  constructor(private readonly datasets: DatasetsService) {}

  @Get()
  @ApiOperation({ summary: 'List datasets (metadata only)' })
  list() {
    return this.datasets.list();
  }

  @Get(':idOrName')
  @ApiOperation({ summary: 'Get a dataset by id or name' })
  get(@Param('idOrName') idOrName: string) {
    return this.datasets.get(idOrName);
  }

  @Post()
  @HttpCode(201)
  @AdminOnly()
  @UseGuards(RateLimitGuard)
  @ApiOperation({
    summary: 'Upload a dataset',
    description:
      'multipart/form-data: "name", optional "format" (ddnnds | mvmc-npz | png-zip, else from the file name), ' +
      '"testFraction" (default 0.2) and "splitSeed", then the "file" part (last). Streamed to disk, size-limited by UPLOAD_MAX_BYTES; ' +
      'a file that fails validation is rejected with 400 and nothing is stored.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['name', 'file'],
      properties: {
        name: { type: 'string' },
        format: { type: 'string', enum: ['ddnnds', 'mvmc-npz', 'png-zip'] },
        testFraction: { type: 'number' },
        splitSeed: { type: 'integer' },
        file: { type: 'string', format: 'binary' },
      },
    },
  })
  async upload(@Req() request: FastifyRequest) {
    const upload = await receiveUpload(request);
    try {
      return await this.datasets.upload(upload);
    } finally {
      await upload.cleanup();
    }
  }

  @Post('builtin')
  @HttpCode(201)
  @AdminOnly()
  @ApiOperation({ summary: 'Create a built-in dataset (synthetic-mvmc or mnist-6)' })
  @ApiBody({ schema: z.toJSONSchema(createBuiltinDatasetSchema, { io: 'input' }) as object })
  createBuiltin(@Body() body: unknown) {
    return this.datasets.createBuiltin(body);
  }
}
