import { Injectable } from '@nestjs/common';
import { EventEmitter, on } from 'node:events';
import type { TrainingProgressGql } from './types';

export type TrainingProgressPayload = { trainingProgress: TrainingProgressGql };

/**
 * In-process fan-out of training progress to this API process's GraphQL subscribers
 * (TrainingEventsBridge publishes what BullMQ reports from any worker). Each subscriber gets its
 * own buffered iterator; returning it removes the listener at once, even while a `next()` waits.
 */
@Injectable()
export class TrainingProgressPubSub {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  publish(jobId: string, event: TrainingProgressGql): void {
    this.emitter.emit(jobId, { trainingProgress: event } satisfies TrainingProgressPayload);
  }

  /** Events published for `jobId` from now on (the listener is added before this returns). */
  subscribe(jobId: string): AsyncIterator<TrainingProgressPayload> {
    const events = on(this.emitter, jobId);
    return {
      next: async () => {
        const result = await events.next();
        return result.done
          ? { done: true, value: undefined }
          : { done: false, value: (result.value as [TrainingProgressPayload])[0] };
      },
      return: async () => {
        await events.return?.();
        return { done: true, value: undefined };
      },
    };
  }

  listenerCount(jobId: string): number {
    return this.emitter.listenerCount(jobId);
  }
}
