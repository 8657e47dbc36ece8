import { Inject, Injectable } from '@nestjs/common';
import type { PlatformConfig } from '@ddnn/contracts';
import { DomainError, ErrorCode } from '../common/domain-error';
import { PLATFORM_CONFIG } from '../common/platform-config.token';

/**
 * Counts live GraphQL subscriptions per WebSocket connection and per process, and refuses a
 * new one past either cap (3,000 idle subscriptions once held 150 MB). A subscription counts
 * from the moment its resolver runs until its iterator is returned: Mercurius returns it on a
 * client's `complete`, when the source ends, and when the connection closes.
 */
@Injectable()
export class SubscriptionLimits {
  private live = 0;
  private readonly perConnection = new WeakMap<object, number>();

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  get liveSubscriptions(): number {
    return this.live;
  }

  /**
   * Wraps a subscription's source. `connection` identifies the WebSocket connection (Mercurius
   * gives every subscription of one connection the same upgrade request object).
   */
  async track<T>(
    connection: object,
    subscribe: () => Promise<AsyncIterable<T>> | AsyncIterable<T>,
  ): Promise<AsyncIterableIterator<T>> {
    const onConnection = this.perConnection.get(connection) ?? 0;
    if (onConnection >= this.config.GRAPHQL_SUBSCRIPTIONS_PER_CONNECTION) {
      throw this.refusal(
        `this connection already has ${onConnection} live subscriptions, the most allowed`,
        'GRAPHQL_SUBSCRIPTIONS_PER_CONNECTION',
      );
    }
    if (this.live >= this.config.GRAPHQL_SUBSCRIPTIONS_MAX) {
      throw this.refusal(
        `the server already serves ${this.live} live subscriptions, the most allowed`,
        'GRAPHQL_SUBSCRIPTIONS_MAX',
      );
    }
    this.live++;
    this.perConnection.set(connection, onConnection + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.live--;
      this.perConnection.set(connection, (this.perConnection.get(connection) ?? 1) - 1);
    };
    let source: AsyncIterator<T>;
    try {
      source = (await subscribe())[Symbol.asyncIterator]();
    } catch (error) {
      release();
      throw error;
    }
    const tracked: AsyncIterableIterator<T> = {
      next: async () => {
        const result = await source.next();
        if (result.done) release();
        return result;
      },
      return: async (value?: unknown) => {
        release();
        return source.return ? source.return(value) : { done: true, value: undefined };
      },
      throw: async (error?: unknown) => {
        release();
        if (source.throw) return source.throw(error);
        throw error;
      },
      [Symbol.asyncIterator]() {
        return tracked;
      },
    };
    return tracked;
  }

  /** 429: the same subscription succeeds once another one ends. */
  private refusal(message: string, variable: string): DomainError {
    return new DomainError(
      ErrorCode.RateLimited,
      `subscription refused: ${message} (limit set by ${variable})`,
      { limit: variable },
    );
  }
}
