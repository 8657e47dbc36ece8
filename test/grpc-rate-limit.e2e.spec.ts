import { credentials, loadPackageDefinition, Metadata, status } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngineBackend } from '@ddnn/engine';
import { peerAddress, OipGrpcServer } from '../apps/api/src/grpc/oip-grpc.server';
import { OPEN_INFERENCE_GRPC_PROTO } from '../apps/api/src/grpc/open-inference-grpc.proto';
import { RATE_LIMIT_WINDOW_MS } from '../apps/api/src/common/rate-limit-store';
import { createOipModel, sampleViews } from './support/oip-fixture';
import { TestPlatform } from './support/test-platform';

const LIMIT = 3;

type Unary = (
  request: unknown,
  callback: (
    error: (Error & { code: number; metadata: Metadata }) | null,
    response: unknown,
  ) => void,
) => void;
type Client = { ModelInfer: Unary; ServerLive: Unary; close(): void };

function grpcClient(address: string): Client {
  const dir = mkdtempSync(join(tmpdir(), 'ddnn-grpc-test-'));
  try {
    const file = join(dir, 'oip.proto');
    writeFileSync(file, OPEN_INFERENCE_GRPC_PROTO);
    const root = loadPackageDefinition(loadSync(file, { keepCase: true })) as unknown as {
      inference: { GRPCInferenceService: new (address: string, creds: unknown) => Client };
    };
    return new root.inference.GRPCInferenceService(address, credentials.createInsecure());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const call = (client: Client, method: 'ModelInfer' | 'ServerLive', request: unknown) =>
  new Promise<{ error: (Error & { code: number; metadata: Metadata }) | null }>((resolve) =>
    client[method](request, (error) => resolve({ error })),
  );

/** gRPC ModelInfer counts against RATE_LIMIT_PER_MINUTE per client IP, as REST inference does. */
describe('gRPC per-IP rate limit', () => {
  let platform: TestPlatform;
  let client: Client;

  beforeAll(async () => {
    await initEngineBackend('wasm');
    platform = await TestPlatform.start({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    const port = await platform.app.get(OipGrpcServer).listen('127.0.0.1', 0);
    await createOipModel(platform, 'cams');
    client = grpcClient(`127.0.0.1:${port}`);
  }, 120_000);
  afterAll(async () => {
    client?.close();
    await platform?.stop();
  });

  it('reads the client IP from grpc-js peer strings', () => {
    expect(peerAddress('127.0.0.1:50312')).toBe('127.0.0.1');
    expect(peerAddress('[::1]:50312')).toBe('::1');
    expect(peerAddress('::ffff:10.0.0.7:443')).toBe('::ffff:10.0.0.7');
    expect(peerAddress('unknown')).toBe('unknown');
  });

  it(`answers RESOURCE_EXHAUSTED naming the limit after ${LIMIT} calls in a minute`, async () => {
    // the limit counts in fixed one-minute windows: start well inside one
    const intoWindow = Date.now() % RATE_LIMIT_WINDOW_MS;
    if (intoWindow > RATE_LIMIT_WINDOW_MS - 15_000) {
      await new Promise((resolve) => setTimeout(resolve, RATE_LIMIT_WINDOW_MS - intoWindow + 100));
    }
    const infer = {
      model_name: 'cams',
      model_version: '1',
      inputs: [
        {
          name: 'views',
          datatype: 'FP32',
          shape: [1, 3, 8, 8, 1],
          contents: { fp32_contents: sampleViews(1) },
        },
      ],
    };
    for (let i = 0; i < LIMIT; i++)
      expect((await call(client, 'ModelInfer', infer)).error).toBeNull();
    const { error } = await call(client, 'ModelInfer', infer);
    expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error?.message).toContain(`rate limit of ${LIMIT} requests per minute exceeded`);
    expect(error?.message).toContain('RATE_LIMIT_PER_MINUTE');
    expect(error?.metadata.get('x-error-code')).toEqual(['RATE_LIMITED']);
    const retryAfter = Number(error?.metadata.get('retry-after')[0]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // only inference is limited, as on REST
    expect((await call(client, 'ServerLive', {})).error).toBeNull();
  }, 90_000);
});
