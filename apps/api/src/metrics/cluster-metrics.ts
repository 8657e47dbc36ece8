import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'ddnn:cluster-metrics-request';
const RESPONSE = 'ddnn:cluster-metrics-response';

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}
interface MetricsResponse {
  type: typeof RESPONSE;
  id: number;
  text?: string;
  error?: string;
}

const isMessage = <T extends { type: string }>(message: unknown, type: T['type']): message is T =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

/**
 * In a cluster's primary: answers an API process that asks for the metrics of every API process,
 * aggregated by prom-client (counters and histograms summed, each default metric by its own
 * rule), so a scrape sees the whole API whichever process it reaches.
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage<MetricsRequest>(message, REQUEST)) return;
    const answer = (response: Omit<MetricsResponse, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: RESPONSE, id: message.id, ...response });
    };
    aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/**
 * In an API process of a cluster: offers its registry to the primary's aggregation and asks the
 * primary for the aggregated text of all processes.
 */
export class ClusterMetricsClient {
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (text: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();

  constructor(
    registry: Registry,
    private readonly timeoutMs = 10_000,
  ) {
    // constructing one installs prom-client's answer to the primary's requests in this process
    const listener = new AggregatorRegistry();
    void listener;
    AggregatorRegistry.setRegistries([registry]);
    process.on('message', (message: unknown) => {
      if (!isMessage<MetricsResponse>(message, RESPONSE)) return;
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.text !== undefined) waiting.resolve(message.text);
      else waiting.reject(new Error(`cluster metrics: ${message.error ?? 'no answer'}`));
    });
  }

  metrics(): Promise<string> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`cluster metrics: no answer from the primary in ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      process.send?.({ type: REQUEST, id } satisfies MetricsRequest);
    });
  }
}
