export interface BatcherOptions {
  /** Run as soon as this many samples are waiting. */
  maxBatch: number;
  /** Or this long after the first waiting request arrived. */
  maxDelayMs: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Dynamic batching: concurrent requests are queued and run together, so one model call serves
 * many requests. A request is never split; a batch may exceed maxBatch by one request's samples.
 */
export class DynamicBatcher<I, O> {
  private pending: Pending<I, O>[] = [];
  private pendingSamples = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly options: BatcherOptions,
    private readonly samplesOf: (item: I) => number,
    private readonly run: (items: I[]) => O[],
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.pendingSamples += this.samplesOf(item);
      if (this.pendingSamples >= this.options.maxBatch) {
        this.flush();
      } else if (!this.timer) {
        this.timer = setTimeout(() => this.flush(), this.options.maxDelayMs);
      }
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.pendingSamples = 0;
    if (batch.length === 0) return;
    try {
      const outputs = this.run(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(outputs[i]));
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
