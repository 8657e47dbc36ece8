import { Agent as HttpAgent, request as httpRequest, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { encodeBinaryRequest, FEATURES_INPUT, inferPath, PRESENT_INPUT } from '@ddnn/contracts';
import { PlatformError, PlatformUnreachableError } from '../platform/platform-errors';

export interface CloudAnswer {
  predictedClass: number;
  probabilities: number[];
  /** Bytes of the HTTP request as written on the connection: request line, headers, body. */
  requestBytes: number;
  /** Of those, the body (the extension's JSON header and the tensor bytes). */
  bodyBytes: number;
  /** Of the body, the tensor payload (the packed feature maps and the presence mask). */
  payloadBytes: number;
  responseBytes: number;
}

/**
 * The cloud tier over POST /v2/models/{name}/versions/{v}/infer, input mode (a): the group's
 * bit-packed feature maps as UINT8 [1, V, B] (absent devices zero-filled and marked in
 * device_present), sent with the binary tensor data extension (the JSON header's length in
 * Inference-Header-Content-Length, then the raw bytes), authenticated with the client
 * credential. Bytes are counted on the socket itself, so HTTP framing is included.
 */
export class CloudTierClient {
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;

  constructor(
    private readonly platformUrl: string,
    private readonly modelName: string,
    private readonly credential: string,
    private readonly timeoutMs: number,
    concurrency: number,
  ) {
    const https = new URL(platformUrl).protocol === 'https:';
    this.agent = https
      ? new HttpsAgent({ keepAlive: true, maxSockets: concurrency })
      : new HttpAgent({ keepAlive: true, maxSockets: concurrency });
    this.request = https ? (httpsRequest as typeof httpRequest) : httpRequest;
  }

  close(): void {
    this.agent.destroy();
  }

  async infer(
    version: number,
    features: (Uint8Array | null)[],
    featureBytes: number,
  ): Promise<CloudAnswer> {
    const V = features.length;
    const packed = new Uint8Array(V * featureBytes);
    features.forEach((f, d) => {
      if (f) packed.set(f, d * featureBytes);
    });
    const allPresent = features.every((f) => f !== null);
    const present = Uint8Array.from(features, (f) => (f ? 1 : 0));
    const { body, headers } = encodeBinaryRequest(
      [
        { name: FEATURES_INPUT, datatype: 'UINT8', shape: [1, V, featureBytes], bytes: packed },
        ...(allPresent
          ? []
          : [{ name: PRESENT_INPUT, datatype: 'BOOL', shape: [V], bytes: present }]),
      ],
      ['class', 'probabilities'],
    );
    const url = new URL(inferPath(this.modelName, version), this.platformUrl);
    const { status, text, requestBytes, responseBytes } = await this.post(url, headers, body);
    let parsed: {
      outputs?: { name: string; data: unknown[] }[];
      /** The Open Inference Protocol's error string, with the platform's code beside it. */
      error?: string;
      code?: string;
    };
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new PlatformError(status, `HTTP_${status}`, text.slice(0, 300));
    }
    if (status >= 400) {
      throw new PlatformError(status, parsed.code ?? `HTTP_${status}`, parsed.error ?? text);
    }
    const output = (name: string) => parsed.outputs?.find((o) => o.name === name)?.data;
    const cls = output('class');
    const probabilities = output('probabilities');
    if (!cls || !probabilities)
      throw new PlatformError(
        status,
        'BAD_ANSWER',
        `the cloud answered without class/probabilities: ${text.slice(0, 200)}`,
      );
    return {
      predictedClass: Number(cls[0]),
      probabilities: probabilities.map(Number),
      requestBytes,
      bodyBytes: body.length,
      payloadBytes: packed.length + (allPresent ? 0 : V),
      responseBytes,
    };
  }

  private post(
    url: URL,
    binaryHeaders: Record<string, string>,
    body: Buffer,
  ): Promise<{ status: number; text: string; requestBytes: number; responseBytes: number }> {
    return new Promise((resolve, reject) => {
      let writtenBefore = 0;
      let readBefore = 0;
      const req = this.request(url, {
        method: 'POST',
        agent: this.agent,
        timeout: this.timeoutMs,
        headers: {
          authorization: `Bearer ${this.credential}`,
          ...binaryHeaders,
          'content-length': body.length,
        },
      });
      req.on('socket', (socket) => {
        writtenBefore = socket.bytesWritten;
        readBefore = socket.bytesRead;
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (error) =>
        reject(
          new PlatformUnreachableError(`cloud tier at ${url.origin} failed: ${error.message}`),
        ),
      );
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const socket = req.socket!;
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            requestBytes: socket.bytesWritten - writtenBefore,
            responseBytes: socket.bytesRead - readBefore,
          });
        });
        res.on('error', (error) => reject(new PlatformUnreachableError(error.message)));
      });
      req.end(body);
    });
  }
}
