import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PrismaService } from '@ddnn/persistence';
import { DomainError, ErrorCode } from '../common/domain-error';
import { RateLimitGuard } from '../common/rate-limit.guard';
import { EdgeInferenceGuard } from '../edge/edge-inference.guard';
import { InferenceService } from './inference.service';
import { sendInferResponse } from './infer-http-response';
import { oipRequestBody } from './oip-http-body';
import { OIP_SERVER } from './oip-protocol';

type InferHeaders = Record<string, string | undefined>;

const inferBody = {
  schema: {
    type: 'object',
    required: ['inputs'],
    properties: {
      id: { type: 'string' },
      inputs: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'shape', 'datatype', 'data'],
          properties: {
            name: { type: 'string', enum: ['views', 'device_features', 'device_present'] },
            shape: { type: 'array', items: { type: 'integer' } },
            datatype: { type: 'string', enum: ['FP32', 'UINT8', 'BOOL'] },
            data: { type: 'array', items: {} },
          },
        },
      },
      outputs: {
        type: 'array',
        items: { type: 'object', properties: { name: { type: 'string' } } },
      },
    },
  },
};

/**
 * Open Inference Protocol v2 (KServe/Triton REST). {version} may be a number or an alias.
 * Open to read: serving answers is what the platform is for; rate-limited per client IP.
 */
@ApiTags('inference (Open Inference Protocol v2)')
@Controller('v2')
export class InferenceController {
  constructor(
    private readonly inference: InferenceService,
    private readonly prisma: PrismaService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Server metadata: name, version and the protocol extensions served' })
  serverMetadata() {
    return OIP_SERVER;
  }

  @Get('health/live')
  live() {
    return { live: true };
  }

  @Get('health/ready')
  async ready() {
    try {
      await this.prisma.client.$queryRaw`SELECT 1`;
    } catch {
      throw new DomainError(ErrorCode.Unavailable, 'database unreachable');
    }
    return { ready: true };
  }

  @Get('models/:name')
  @ApiOperation({ summary: 'Metadata of the newest version: inputs, outputs, shapes, datatypes' })
  metadata(@Param('name') name: string) {
    return this.inference.metadata(name);
  }

  @Get('models/:name/ready')
  modelReady(@Param('name') name: string) {
    return this.inference.ready(name);
  }

  @Get('models/:name/versions/:version')
  @ApiOperation({ summary: 'Metadata of a version (number or alias)' })
  versionMetadata(@Param('name') name: string, @Param('version') version: string) {
    return this.inference.metadata(name, version);
  }

  @Get('models/:name/versions/:version/ready')
  versionReady(@Param('name') name: string, @Param('version') version: string) {
    return this.inference.ready(name, version);
  }

  @Post('models/:name/infer')
  @HttpCode(200)
  @UseGuards(RateLimitGuard, EdgeInferenceGuard)
  @ApiOperation({ summary: 'Infer with the newest version' })
  @ApiBody(inferBody)
  infer(
    @Param('name') name: string,
    @Body() body: unknown,
    @Headers() headers: InferHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.exchange(name, undefined, body, headers, reply);
  }

  @Post('models/:name/versions/:version/infer')
  @HttpCode(200)
  @UseGuards(RateLimitGuard, EdgeInferenceGuard)
  @ApiOperation({
    summary: 'Infer with a version (number or alias)',
    description:
      'Mode (a): input "device_features" UINT8 [N, V, bytesPerDevice] = bit-packed device feature maps, ' +
      'optional "device_present" BOOL [V]; answered by the cloud tier. Mode (b): input "views" FP32 ' +
      '[N, V, H, W, C] = raw views; run through devices, local exit (version threshold) and cloud. ' +
      'Outputs: class, probabilities, exit_tier, entropy, comm_bytes (per device). Binary tensor data ' +
      'extension: Content-Type application/octet-stream with Inference-Header-Content-Length; inputs ' +
      'with parameters.binary_data_size carry their raw little-endian bytes after the JSON header.',
  })
  @ApiBody(inferBody)
  inferVersion(
    @Param('name') name: string,
    @Param('version') version: string,
    @Body() body: unknown,
    @Headers() headers: InferHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.exchange(name, version, body, headers, reply);
  }

  private async exchange(
    name: string,
    version: string | undefined,
    body: unknown,
    headers: InferHeaders,
    reply: FastifyReply,
  ): Promise<Buffer> {
    const payload = oipRequestBody(body, headers['inference-header-content-length']);
    const response =
      'json' in payload
        ? await this.inference.infer(name, version, payload.json)
        : await this.inference.infer(name, version, payload.binary, payload.headerLength);
    return sendInferResponse(reply, payload, response, headers['accept-encoding']);
  }
}
