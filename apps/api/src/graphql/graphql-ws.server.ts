import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { PlatformConfig } from '@ddnn/contracts';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, getOperationAST, type ExecutionArgs } from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { PLATFORM_CONFIG } from '../common/platform-config.token';
import { graphqlLimitRules, parseAndValidate } from './graphql-limits';
import { SubscriptionLimits } from './subscription-limits';

export const GRAPHQL_WS_PATH = '/graphql';
/** As Mercurius' WebSocket server had: larger messages close the socket (1009). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

type WsContext = Context<Record<string, unknown> | undefined, Extra>;

/** What resolvers and guards see of a WebSocket operation (AdminGuard reads reply.request). */
export interface GraphqlWsResolverContext {
  request: { headers: IncomingHttpHeaders };
  reply: { request: { headers: IncomingHttpHeaders } };
}

/**
 * GraphQL subscriptions over WebSocket at /graphql with the graphql-transport-ws protocol, served
 * by the `graphql-ws` library on a `ws` server attached to the HTTP server's `upgrade` event
 * (Mercurius keeps GraphQL over HTTP; its own WebSocket server sends none of the protocol's close
 * codes). graphql-ws closes with 4400 (bad message), 4401 (subscribe before connection_ack),
 * 4406 (subprotocol other than graphql-transport-ws), 4408 (no connection_init within
 * GRAPHQL_WS_INIT_TIMEOUT_MS), 4409 (an id already in use), 4429 (a second connection_init) and
 * 4500 (an internal error). 4403 is never sent: subscriptions need no credential, as reads over
 * REST do; a connection_init payload's headers (`{headers: {...}}` or the payload itself) are
 * what guards see, as Mercurius did. Only subscriptions run here; queries and mutations go over
 * HTTP. The subscription caps and the document bounds run in onSubscribe, releases in
 * onComplete/onClose.
 */
@Injectable()
export class GraphqlWsServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(GraphqlWsServer.name);
  private readonly rules;
  private wss?: WebSocketServer;
  private dispose?: () => Promise<void> | void;
  private detach?: () => void;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly limits: SubscriptionLimits,
  ) {
    this.rules = graphqlLimitRules(config);
  }

  onApplicationBootstrap(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
    this.wss = wss;
    this.dispose = useServer(
      {
        connectionInitWaitTimeout: this.config.GRAPHQL_WS_INIT_TIMEOUT_MS,
        onSubscribe: (ctx, id, payload) => this.onSubscribe(ctx, id, payload),
        context: (ctx) => resolverContext(ctx),
        onComplete: (ctx, id) => this.limits.release(ctx, id),
        onClose: (ctx) => this.limits.releaseConnection(ctx),
      },
      wss,
    ).dispose;
    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== GRAPHQL_WS_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    };
    fastify.server.on('upgrade', onUpgrade);
    this.detach = () => fastify.server.off('upgrade', onUpgrade);
  }

  async onModuleDestroy(): Promise<void> {
    this.detach?.();
    try {
      await this.dispose?.();
    } catch (error) {
      this.logger.warn(`closing GraphQL WebSockets: ${(error as Error).message}`);
    }
  }

  get clientCount(): number {
    return this.wss?.clients.size ?? 0;
  }

  private onSubscribe(
    ctx: WsContext,
    id: string,
    payload: SubscribePayload,
  ): ExecutionArgs | readonly GraphQLError[] {
    const schema = this.schemaHost.schema;
    const checked = parseAndValidate(schema, payload.query, this.config, this.rules);
    if ('errors' in checked) return checked.errors;
    const operation = getOperationAST(checked.document, payload.operationName);
    if (!operation) return [new GraphQLError('Unable to identify operation')];
    if (operation.operation !== 'subscription') {
      return [
        new GraphQLError(
          `only subscriptions run over WebSocket; send this ${operation.operation} as POST ${GRAPHQL_WS_PATH}`,
        ),
      ];
    }
    const refusal = this.limits.admit(ctx, id);
    if (refusal) return [refusal];
    return {
      schema,
      document: checked.document,
      operationName: payload.operationName,
      variableValues: payload.variables,
    };
  }
}

/** Upgrade request headers, plus those of the connection_init payload where not already set. */
function resolverContext(ctx: WsContext): GraphqlWsResolverContext {
  const params = ctx.connectionParams ?? {};
  const sent = (
    typeof params.headers === 'object' && params.headers !== null ? params.headers : params
  ) as Record<string, unknown>;
  const headers: IncomingHttpHeaders = { ...ctx.extra.request.headers };
  for (const [name, value] of Object.entries(sent)) {
    const key = name.toLowerCase();
    if (typeof value === 'string' && headers[key] === undefined) headers[key] = value;
  }
  const request = { headers };
  return { request, reply: { request } };
}
