import { Global, Module } from '@nestjs/common';
import { RateLimitStore } from './rate-limit-store';

/** One RateLimitStore (one Redis connection) per API process, for every RateLimitGuard. */
@Global()
@Module({ providers: [RateLimitStore], exports: [RateLimitStore] })
export class RateLimitModule {}
