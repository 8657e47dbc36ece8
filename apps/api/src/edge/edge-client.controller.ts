import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { PartitionHeader } from '@ddnn/contracts';
import { CurrentEdgeClient, EdgeClientOnly } from './edge-client.guard';
import { AuthenticatedEdgeClient, EdgeClientsService } from './edge-clients.service';
import { heartbeatSchema, registerClientSchema } from './edge-inputs';
import { EdgePartitionsService } from './edge-partitions.service';
import { PartitionSigningKeyService } from './partition-signing-key.service';

/** What edge client processes call: register once, then download partitions and heartbeat. */
@ApiTags('edge (clients)')
@Controller('edge')
export class EdgeClientController {
  constructor(
    private readonly clients: EdgeClientsService,
    private readonly partitions: EdgePartitionsService,
    private readonly signingKey: PartitionSigningKeyService,
  ) {}

  @Post('clients/register')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Register with an enrollment token; answers the client credential (shown once)',
  })
  @ApiBody({ schema: z.toJSONSchema(registerClientSchema, { io: 'input' }) as object })
  register(@Body() body: unknown) {
    return this.clients.register(body);
  }

  @Get('public-key')
  @ApiOperation({ summary: "The platform's Ed25519 public key (SPKI PEM) that signs partitions" })
  publicKey() {
    return this.signingKey.publicKey();
  }

  @Get('partition')
  @EdgeClientOnly()
  @ApiOperation({
    summary:
      "The client's partition file for the version it should run now, signed (X-DDNN-Signature " +
      'over the X-DDNN-Signature-Statement: model, version, tier, device, file sha256); ' +
      'If-None-Match with the ETag answers 304 when unchanged',
  })
  @ApiQuery({ name: 'tier', required: false, enum: ['device', 'local'] })
  @ApiQuery({ name: 'deviceIndex', required: false, type: Number })
  @ApiQuery({ name: 'model', required: false })
  async partition(
    @CurrentEdgeClient() client: AuthenticatedEdgeClient,
    @Query() query: unknown,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    const download = await this.partitions.download(client, query, ifNoneMatch);
    const d = download.descriptor;
    reply
      .header('etag', `"${d.fileSha256}"`)
      .header('cache-control', 'private, no-cache')
      .header(PartitionHeader.model, d.modelName)
      .header(PartitionHeader.modelVersion, String(d.version))
      .header(PartitionHeader.tier, d.tier)
      .header(PartitionHeader.weightsSha256, d.weightsSha256);
    if (d.deviceIndex !== null) reply.header(PartitionHeader.deviceIndex, String(d.deviceIndex));
    if (download.notModified) return reply.status(304).send();
    const fileName = d.tier === 'device' ? `device${d.deviceIndex}.ddnnp` : 'local.ddnnp';
    return reply
      .status(200)
      .header('content-type', 'application/octet-stream')
      .header(
        'content-disposition',
        `attachment; filename="${d.modelName}-v${d.version}-${fileName}"`,
      )
      .header(PartitionHeader.signature, download.signature)
      .header(PartitionHeader.signatureStatement, download.statement)
      .header(PartitionHeader.signatureAlgorithm, 'Ed25519')
      .header(PartitionHeader.signingKeyId, download.keyId)
      .send(
        Buffer.from(download.bytes.buffer, download.bytes.byteOffset, download.bytes.byteLength),
      );
  }

  @Get('group-secret')
  @EdgeClientOnly()
  @ApiOperation({
    summary:
      "The secret of the client's device group: gateway and devices prove they hold it on HELLO",
  })
  groupSecret(@CurrentEdgeClient() client: AuthenticatedEdgeClient) {
    return this.clients.groupSecretOf(client);
  }

  @Post('heartbeat')
  @HttpCode(200)
  @EdgeClientOnly()
  @ApiOperation({
    summary: 'Report the installed version and counters; answers the version to run now',
  })
  @ApiBody({ schema: z.toJSONSchema(heartbeatSchema, { io: 'input' }) as object })
  heartbeat(@CurrentEdgeClient() client: AuthenticatedEdgeClient, @Body() body: unknown) {
    return this.clients.heartbeat(client, body ?? {});
  }
}
