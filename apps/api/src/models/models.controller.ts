import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AdminOnly } from '../common/admin.guard';
import { createModelSchema } from './model-inputs';
import { ModelsService } from './models.service';

@ApiTags('models')
@Controller('models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Post()
  @HttpCode(201)
  @AdminOnly()
  @ApiOperation({
    summary: 'Create a model (a DDNN architecture); config defaults to the paper MVMC one',
  })
  @ApiBody({ schema: z.toJSONSchema(createModelSchema, { io: 'input' }) as object })
  create(@Body() body: unknown) {
    return this.models.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List models' })
  list() {
    return this.models.list();
  }

  @Put(':name/aliases/:alias')
  @AdminOnly()
  @ApiOperation({ summary: 'Point an alias (e.g. production) at a version: body {"version": 3}' })
  @ApiBody({
    schema: { type: 'object', required: ['version'], properties: { version: { type: 'integer' } } },
  })
  @HttpCode(200)
  moveAlias(
    @Param('name') name: string,
    @Param('alias') alias: string,
    @Body() body: { version?: unknown },
  ) {
    return this.models.moveAlias({ modelName: name, alias, version: body?.version });
  }
}
