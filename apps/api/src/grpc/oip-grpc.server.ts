import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import {
  Metadata,
  Server,
  ServerCredentials,
  type sendUnaryData,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { PlatformConfig } from '@ddnn/contracts';
import { PrismaService } from '@ddnn/persistence';
import { ErrorCode } from '../common/domain-error';
import { grpcStatusOf, toDomainError } from '../common/error-mapping';
import { PLATFORM_CONFIG } from '../common/platform-config.token';
import { enforceRateLimit } from '../common/rate-limit.guard';
import { RateLimitStore } from '../common/rate-limit-store';
import { EdgeInferenceGuard } from '../edge/edge-inference.guard';
import { outputBytes } from '../inference/binary-output-encoding';
import { InferenceService } from '../inference/inference.service';
import { OIP_SERVER } from '../inference/oip-protocol';
import { MetricsService } from '../metrics/metrics.service';
import { InferenceStatistics } from '../inference/statistics/inference-statistics';
import { modelStatistics } from '../inference/statistics/inference-statistics.controller';
import { loadOipGrpcService } from './oip-grpc-service';
import { TRITON_STATISTICS_GRPC_PROTO } from './triton-statistics-grpc.proto';
import { GrpcInferRequest, grpcParameters, toOipRequest } from './grpc-tensors';

type Handler = (request: never, metadata: Metadata) => Promise<unknown>;

/** The client IP of a grpc-js peer string (`<address>:<port>`, `[<v6>]:<port>` or `unknown`). */
export function peerAddress(peer: string): string {
  const port = /:\d+$/.exec(peer);
  const address = port ? peer.slice(0, port.index) : peer;
  return address.replace(/^\[(.*)\]$/, '$1');
}

/** Calls counted against RATE_LIMIT_PER_MINUTE per client IP, as REST's inference routes. */
const RATE_LIMITED_METHODS = new Set(['ModelInfer']);

/**
 * The Open Inference Protocol over gRPC (GRPCInferenceService of open_inference_grpc.proto, the
 * service Triton's clients call) on GRPC_PORT. Every call goes through the same code as REST:
 * the edge-inference credential check, InferenceService (version/alias resolution, model cache,
 * dynamic batching, inference metrics); errors carry the gRPC status of their error code.
 */
@Injectable()
export class OipGrpcServer implements OnModuleDestroy {
  private readonly logger = new Logger('grpc');
  private server?: Server;

  constructor(
    private readonly inference: InferenceService,
    private readonly auth: EdgeInferenceGuard,
    private readonly prisma: PrismaService,
    private readonly metrics: MetricsService,
    private readonly statistics: InferenceStatistics,
    private readonly rateLimits: RateLimitStore,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /** Starts serving; resolves with the bound port (GRPC_PORT=0 picks a free one). */
  async listen(host: string, port: number): Promise<number> {
    const server = new Server({
      'grpc.max_receive_message_length': this.config.BODY_MAX_BYTES,
    });
    const handlers = this.handlers();
    // Two protos, one service name: each registers its own methods' paths.
    server.addService(loadOipGrpcService().service, handlers);
    server.addService(loadOipGrpcService(TRITON_STATISTICS_GRPC_PROTO).service, handlers);
    const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, ServerCredentials.createInsecure(), (error, actual) =>
        error ? reject(error) : resolve(actual),
      ),
    );
    this.server = server;
    return bound;
  }

  async onModuleDestroy(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 2000);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private handlers(): UntypedServiceImplementation {
    const methods: Record<string, Handler> = {
      ServerLive: async () => ({ live: true }),
      ServerReady: async () => ({ ready: await this.prisma.isReachable() }),
      ServerMetadata: async () => OIP_SERVER,
      ModelReady: async (request: { name: string; version: string }) =>
        this.inference.ready(request.name, request.version || undefined),
      ModelMetadata: async (request: { name: string; version: string }) => {
        const meta = await this.inference.metadata(request.name, request.version || undefined);
        return {
          name: meta.name,
          versions: meta.versions,
          platform: meta.platform,
          inputs: meta.inputs.map(({ name, datatype, shape }) => ({ name, datatype, shape })),
          outputs: meta.outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape })),
          properties: Object.fromEntries(
            Object.entries(meta.parameters).map(([k, v]) => [
              k,
              typeof v === 'string' ? v : JSON.stringify(v),
            ]),
          ),
        };
      },
      ModelStatistics: async (request: { name: string; version: string }) => ({
        model_stats: request.name
          ? await modelStatistics(
              this.inference,
              this.statistics,
              request.name,
              request.version || undefined,
            )
          : this.statistics.report(),
      }),
      ModelInfer: async (request: GrpcInferRequest, metadata: Metadata) => {
        const bytes = request.raw_input_contents.reduce((sum, raw) => sum + raw.length, 0);
        const authorization = metadata.get('authorization')[0];
        await this.auth.authorize(
          typeof authorization === 'string' ? authorization : undefined,
          request.model_name,
          bytes,
        );
        const { json } = toOipRequest(request);
        const version = request.model_version || undefined;
        const response = await this.inference.infer(request.model_name, version, json);
        return {
          model_name: response.model_name,
          model_version: response.model_version,
          id: response.id ?? request.id,
          parameters: grpcParameters(response.parameters),
          outputs: response.outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape })),
          raw_output_contents: response.outputs.map(outputBytes),
        };
      },
    };
    return Object.fromEntries(
      Object.entries(methods).map(([method, handle]) => [
        method,
        (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
          const limited = RATE_LIMITED_METHODS.has(method)
            ? enforceRateLimit(
                this.rateLimits,
                this.config.RATE_LIMIT_PER_MINUTE,
                `${OipGrpcServer.name}:${peerAddress(call.getPeer())}`,
              )
            : Promise.resolve();
          limited
            .then(() => handle(call.request as never, call.metadata))
            .then(
              (response) => {
                this.metrics.grpcRequests.inc({ method, code: 'OK' });
                callback(null, response);
              },
              (error: unknown) => {
                const domain = toDomainError(error);
                if (domain.code === ErrorCode.Internal) this.logger.error(error);
                const status = grpcStatusOf(domain.code);
                this.metrics.grpcRequests.inc({ method, code: String(status) });
                const trailer = new Metadata();
                trailer.set('x-error-code', domain.code);
                const retryAfter = domain.details?.retryAfterSeconds;
                if (typeof retryAfter === 'number') trailer.set('retry-after', String(retryAfter));
                callback({ code: status, details: domain.message, metadata: trailer });
              },
            );
        },
      ]),
    );
  }
}
