import { PartitionHeader } from '@ddnn/contracts';
import { PlatformError, PlatformUnreachableError } from './platform-errors';

export interface RegisterRequest {
  enrollmentToken: string;
  name: string;
  modelName: string;
  alias?: string;
  version?: number;
  deviceIndex?: number;
  gateway: boolean;
}

export interface RegisteredClient {
  client: { id: string; name: string; role?: string; deviceIndex: number | null };
  credential: string;
  groupSecret: string;
}

export interface PublicKey {
  algorithm: string;
  publicKeyPem: string;
  keyId: string;
}

/**
 * GET /edge/partition as received: the labels are the response headers, unchecked (a missing
 * number is NaN, a missing text ""); verifyPartition decides whether to believe them.
 */
export interface PartitionDownload {
  notModified: boolean;
  etag: string;
  modelName: string;
  version: number;
  tier: string;
  deviceIndex: number | null;
  signature: string;
  /** X-DDNN-Signature-Statement: which statement the signature covers ("" when not sent). */
  signatureStatement: string;
  keyId: string;
  bytes: Uint8Array;
}

export interface HeartbeatAnswer {
  lastSeenAt: string;
  installedVersion: number | null;
  /** null when the alias no longer exists. */
  targetVersion: number | null;
  updateAvailable: boolean;
}

export interface Counters {
  samples: number;
  localExits: number;
  bytesSent: number;
}

/** Download progress: bytes so far and the total from Content-Length (null if not sent). */
export type ProgressCallback = (received: number, total: number | null) => void;

/** The platform's edge endpoints (docs/edge.md), over fetch. */
export class PlatformApi {
  constructor(
    readonly baseUrl: string,
    private readonly credential?: string,
    private readonly timeoutMs = 30_000,
  ) {}

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.credential) headers.set('authorization', `Bearer ${this.credential}`);
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        ...init,
        headers,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new PlatformUnreachableError(
        `cannot reach the platform at ${this.baseUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      );
    }
    if (response.status >= 400) {
      const text = await response.text().catch(() => '');
      let code = `HTTP_${response.status}`;
      let message = text.slice(0, 300) || response.statusText;
      try {
        const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
        code = body.error?.code ?? code;
        message = body.error?.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new PlatformError(response.status, code, message);
    }
    return response;
  }

  private async json<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
    const response = await this.request(path, {
      method,
      ...(body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
    });
    return (await response.json()) as T;
  }

  register(input: RegisterRequest): Promise<RegisteredClient> {
    return this.json('/edge/clients/register', 'POST', input);
  }

  /** The device group's link secret, for a registration made before the platform issued it. */
  groupSecret(): Promise<{ modelName: string; groupSecret: string }> {
    return this.json('/edge/group-secret');
  }

  publicKey(): Promise<PublicKey> {
    return this.json('/edge/public-key');
  }

  heartbeat(installedVersion: number | null, counters?: Counters): Promise<HeartbeatAnswer> {
    return this.json('/edge/heartbeat', 'POST', {
      installedVersion,
      ...(counters ? { counters } : {}),
    });
  }

  /** GET /edge/partition, conditional on `etag`; reports progress while the body arrives. */
  async downloadPartition(
    etag: string | null,
    onProgress?: ProgressCallback,
  ): Promise<PartitionDownload> {
    const response = await this.request('/edge/partition', {
      headers: etag ? { 'if-none-match': etag } : {},
    });
    const h = response.headers;
    const number = (name: string) => {
      const text = h.get(name);
      return text !== null && /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
    };
    const meta = {
      etag: h.get('etag') ?? '',
      modelName: h.get(PartitionHeader.model) ?? '',
      version: number(PartitionHeader.modelVersion),
      tier: h.get(PartitionHeader.tier) ?? '',
      deviceIndex:
        h.get(PartitionHeader.deviceIndex) === null ? null : number(PartitionHeader.deviceIndex),
      signature: h.get(PartitionHeader.signature) ?? '',
      signatureStatement: h.get(PartitionHeader.signatureStatement) ?? '',
      keyId: h.get(PartitionHeader.signingKeyId) ?? '',
    };
    if (response.status === 304) return { ...meta, notModified: true, bytes: new Uint8Array(0) };
    const length = h.get('content-length');
    const total = length === null ? null : Number(length);
    const chunks: Uint8Array[] = [];
    let received = 0;
    onProgress?.(0, total);
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.byteLength;
      onProgress?.(received, total);
    }
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return { ...meta, notModified: false, bytes };
  }
}
