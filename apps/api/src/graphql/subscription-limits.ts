import { Inject, Injectable } from '@nestjs/common';
import type { PlatformConfig } from '@ddnn/contracts';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../common/domain-error';
import { httpStatusOf } from '../common/error-mapping';
import { PLATFORM_CONFIG } from '../common/platform-config.token';

/**
 * Counts live GraphQL subscriptions per WebSocket connection and per process, and refuses a
 * new one past either cap (3,000 idle subscriptions once held 150 MB). Driven by the
 * graphql-ws hooks (graphql-ws.server.ts): a subscription counts from `admit` (onSubscribe)
 * until `release` (onComplete: the stream ended, failed, or the client sent `complete`) or
 * `releaseConnection` (onClose). Ids are kept per connection, so a release that arrives after
 * its connection's close is not counted twice.
 */
@Injectable()
export class SubscriptionLimits {
  private live = 0;
  private readonly perConnection = new Map<object, Set<string>>();

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  get liveSubscriptions(): number {
    return this.live;
  }

  /** Counts subscription `id` of `connection`, or returns why it is refused (a 429). */
  admit(connection: object, id: string): GraphQLError | undefined {
    const ids = this.perConnection.get(connection) ?? new Set<string>();
    if (ids.size >= this.config.GRAPHQL_SUBSCRIPTIONS_PER_CONNECTION) {
      return this.refusal(
        `this connection already has ${ids.size} live subscriptions, the most allowed`,
        'GRAPHQL_SUBSCRIPTIONS_PER_CONNECTION',
      );
    }
    if (this.live >= this.config.GRAPHQL_SUBSCRIPTIONS_MAX) {
      return this.refusal(
        `the server already serves ${this.live} live subscriptions, the most allowed`,
        'GRAPHQL_SUBSCRIPTIONS_MAX',
      );
    }
    ids.add(id);
    this.perConnection.set(connection, ids);
    this.live++;
    return undefined;
  }

  release(connection: object, id: string): void {
    if (this.perConnection.get(connection)?.delete(id)) this.live--;
  }

  releaseConnection(connection: object): void {
    this.live -= this.perConnection.get(connection)?.size ?? 0;
    this.perConnection.delete(connection);
  }

  /** 429: the same subscription succeeds once another one ends. */
  private refusal(message: string, variable: string): GraphQLError {
    return new GraphQLError(`subscription refused: ${message} (limit set by ${variable})`, {
      extensions: {
        code: ErrorCode.RateLimited,
        status: httpStatusOf(ErrorCode.RateLimited),
        details: { limit: variable },
      },
    });
  }
}
