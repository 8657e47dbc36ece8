import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { type PlatformConfig, redisConnectionOptions } from '@ddnn/contracts';
import { PLATFORM_CONFIG } from '../common/platform-config.token';

export type ModelChangeListener = (modelName: string) => void;

/**
 * Tells every API process that a model's version references changed (an alias moved), over
 * Redis pub/sub, so caches of resolved versions drop that model at once. Best effort: when Redis
 * is unreachable a change is not announced, and caches fall back on their TTL
 * (INFERENCE_RESOLVE_TTL_MS), which bounds how long a stale answer can be served.
 */
@Injectable()
export class ModelChanges implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ModelChanges.name);
  private readonly listeners = new Set<ModelChangeListener>();
  private publisher?: Redis;
  private subscriber?: Redis;
  private readonly channel: string;

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {
    this.channel = `${config.QUEUE_PREFIX}:model-changes`;
  }

  onModuleInit(): void {
    const options = {
      ...redisConnectionOptions(this.config.REDIS_URL),
      lazyConnect: false,
      // a publish while Redis is away fails fast instead of queueing behind a reconnect
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    };
    this.publisher = new Redis(options);
    this.subscriber = new Redis({ ...options, enableOfflineQueue: true });
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', (error: Error) => this.logger.debug(`redis: ${error.message}`));
    }
    this.subscriber.on('message', (channel: string, modelName: string) => {
      if (channel === this.channel) this.notify(modelName);
    });
    this.subscriber.subscribe(this.channel).catch((error: Error) => {
      this.logger.warn(`model changes not subscribed (TTL only): ${error.message}`);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(
      [this.publisher, this.subscriber].map((c) => c?.quit().catch(() => c.disconnect())),
    );
  }

  onChange(listener: ModelChangeListener): void {
    this.listeners.add(listener);
  }

  /** This process at once, the others through Redis. */
  async announce(modelName: string): Promise<void> {
    this.notify(modelName);
    try {
      await this.publisher?.publish(this.channel, modelName);
    } catch (error) {
      this.logger.warn(
        `model change of "${modelName}" not announced to other API processes: ${(error as Error).message}`,
      );
    }
  }

  private notify(modelName: string): void {
    for (const listener of this.listeners) listener(modelName);
  }
}
