export interface BatcherOptions {
  /** Run as soon as this many samples are waiting. */
  maxBatch: number;
  /**
   * Or this long after the first waiting request arrived. 0: at the end of the current
   * event-loop turn (setImmediate), so requests that arrived together run together and a lone
   * request waits for no timer.
   */
  maxDelayMs: number;
  /** Told, per request of a batch about to run, how long it waited in the queue (seconds). */
  onQueueWait?: (seconds: number) => void;
}

interface Pending<I, O> {
  item: I;
  enqueued: bigint;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Dynamic batching: concurrent requests are queued and run together, so one model call serves
 * many requests. A request is never split here (the service submits a large request as
 * maxBatch-sized chunks); a batch may exceed maxBatch by one request's samples.
 */
export class DynamicBatcher<I, O> {
  private pending: Pending<I, O>[] = [];
  private pendingSamples = 0;
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;

  constructor(
    private readonly options: BatcherOptions,
    private readonly samplesOf: (item: I) => number,
    private readonly run: (items: I[]) => O[],
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, enqueued: process.hrtime.bigint(), resolve, reject });
      this.pendingSamples += this.samplesOf(item);
      if (this.pendingSamples >= this.options.maxBatch) {
        this.flush();
      } else if (this.options.maxDelayMs === 0) {
        this.immediate ??= setImmediate(() => this.flush());
      } else if (!this.timer) {
        this.timer = setTimeout(() => this.flush(), this.options.maxDelayMs);
      }
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    const batch = this.pending;
    this.pending = [];
    this.pendingSamples = 0;
    if (batch.length === 0) return;
    const { onQueueWait } = this.options;
    if (onQueueWait) {
      const now = process.hrtime.bigint();
      for (const p of batch) onQueueWait(Number(now - p.enqueued) / 1e9);
    }
    try {
      const outputs = this.run(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(outputs[i]));
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
