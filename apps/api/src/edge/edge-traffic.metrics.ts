import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';

/**
 * What the platform itself sees of each edge client's cloud-tier calls (/v2 infer with a
 * client credential), next to the counters the client reports in its heartbeats: requests and
 * request body bytes as received (Content-Length), by model and client id.
 */
@Injectable()
export class EdgeTrafficMetrics {
  private readonly requests: Counter<'model' | 'client'>;
  private readonly bytes: Counter<'model' | 'client'>;

  constructor(metrics: MetricsService) {
    this.requests = new Counter({
      name: 'ddnn_edge_cloud_requests_total',
      help: '/v2 infer requests made with an edge client credential, by model and client id',
      labelNames: ['model', 'client'] as const,
      registers: [metrics.registry],
    });
    this.bytes = new Counter({
      name: 'ddnn_edge_cloud_request_bytes_total',
      help: 'Body bytes (Content-Length) of those requests, by model and client id',
      labelNames: ['model', 'client'] as const,
      registers: [metrics.registry],
    });
  }

  record(model: string, clientId: string, bodyBytes: number): void {
    const labels = { model, client: clientId };
    this.requests.inc(labels);
    if (Number.isFinite(bodyBytes) && bodyBytes > 0) this.bytes.inc(labels, bodyBytes);
  }
}
