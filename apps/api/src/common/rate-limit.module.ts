import { Global, Module } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitStore } from './rate-limit-store';

/**
 * One RateLimitStore (one Redis connection) per API process, for every RateLimitGuard; the guard
 * is also a provider for the routes outside Nest's router (the /v2 infer fast path).
 */
@Global()
@Module({ providers: [RateLimitStore, RateLimitGuard], exports: [RateLimitStore, RateLimitGuard] })
export class RateLimitModule {}
