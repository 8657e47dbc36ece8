import { initEngineBackend } from '@ddnn/engine';
import { OipGrpcServer } from '../apps/api/src/grpc/oip-grpc.server';
import { createOipModel } from './support/oip-fixture';
import { TestPlatform } from './support/test-platform';
import { TritonClientRunner } from './support/tritonclient';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A gRPC as_json duration or count: protobuf's JSON mapping gives uint64 as strings, omits 0. */
const n = (value: unknown) => Number(value ?? 0);
const duration = (stat: Json) => ({ count: n(stat?.count), positive: n(stat?.ns) > 0 });

/** The counts of one `$model_stat`, over REST or gRPC alike. */
function counts(stat: Json) {
  const s = stat.inference_stats;
  return {
    name: stat.name,
    version: stat.version,
    inference_count: n(stat.inference_count),
    execution_count: n(stat.execution_count),
    success: duration(s.success),
    fail: duration(s.fail),
    queue: n(s.queue?.count),
    compute_input: duration(s.compute_input),
    compute_infer: duration(s.compute_infer),
    compute_output: duration(s.compute_output),
    batches: (stat.batch_stats ?? []).map((b: Json) => [
      n(b.batch_size),
      n(b.compute_infer?.count),
    ]),
    recent: Math.abs(Date.now() - n(stat.last_inference)) < 120_000,
  };
}

/** What statistics.py does: 3 x 2 samples (HTTP) + 4 samples (gRPC) + a failure on version 1. */
const VERSION_1 = {
  name: 'cams',
  version: '1',
  inference_count: 10,
  execution_count: 4,
  success: { count: 4, positive: true },
  fail: { count: 1, positive: true },
  queue: 4,
  compute_input: { count: 4, positive: true },
  compute_infer: { count: 4, positive: true },
  compute_output: { count: 4, positive: true },
  batches: [
    [2, 3],
    [4, 1],
  ],
  recent: true,
};
/** ... and 1 sample (HTTP) on version 2. */
const VERSION_2 = {
  name: 'cams',
  version: '2',
  inference_count: 1,
  execution_count: 1,
  success: { count: 1, positive: true },
  fail: { count: 0, positive: false },
  queue: 1,
  compute_input: { count: 1, positive: true },
  compute_infer: { count: 1, positive: true },
  compute_output: { count: 1, positive: true },
  batches: [[1, 1]],
  recent: true,
};

/**
 * Triton's statistics extension read by the real tritonclient (get_inference_statistics over
 * HTTP and gRPC) after inferences whose counts are known exactly.
 */
describe('tritonclient reads inference statistics (HTTP and gRPC)', () => {
  let platform: TestPlatform;
  let triton: TritonClientRunner | undefined;
  let seen: Json;

  beforeAll(async () => {
    await initEngineBackend('wasm');
    platform = await TestPlatform.start();
    const grpcPort = await platform.app.get(OipGrpcServer).listen('127.0.0.1', 0);
    await createOipModel(platform, 'cams');
    triton = await TritonClientRunner.prepare();
    seen = await triton.run('statistics.py', [
      platform.baseUrl.replace(/^http:\/\//, ''),
      `127.0.0.1:${grpcPort}`,
      'cams',
    ]);
  }, 240_000);
  afterAll(async () => {
    triton?.dispose();
    await platform?.stop();
  });

  it('lists the statistics extension in server metadata', () => {
    expect(seen.extensions).toEqual(expect.arrayContaining(['statistics', 'binary_tensor_data']));
  });

  it('counts every request, sample and execution exactly (all models, HTTP and gRPC)', () => {
    expect(seen.failed.status).toBe('400');
    for (const all of [seen.http_all, seen.grpc_all]) {
      expect(all.model_stats.map(counts)).toEqual([VERSION_1, VERSION_2]);
    }
  });

  it('answers one model, and one version', () => {
    expect(seen.http_model.model_stats.map(counts)).toEqual([VERSION_1, VERSION_2]);
    expect(seen.http_version.model_stats.map(counts)).toEqual([VERSION_2]);
    expect(seen.grpc_version.model_stats.map(counts)).toEqual([VERSION_1]);
  });

  it('answers an unknown model as not found', () => {
    expect(seen.http_unknown.status).toBe('404');
    expect(seen.http_unknown.message).toContain('no-such-model');
    expect(seen.grpc_unknown.status).toBe('StatusCode.NOT_FOUND');
  });

  it('gives a model that served nothing its newest version in zeros, in the spec shape', async () => {
    await createOipModel(platform, 'idle');
    const res = await platform.http('/v2/models/idle/stats');
    expect(res.status).toBe(200);
    const zero = { count: 0, ns: 0 };
    expect(res.json).toEqual({
      model_stats: [
        {
          name: 'idle',
          version: '2',
          last_inference: 0,
          inference_count: 0,
          execution_count: 0,
          inference_stats: {
            success: zero,
            fail: zero,
            queue: zero,
            compute_input: zero,
            compute_infer: zero,
            compute_output: zero,
            cache_hit: zero,
            cache_miss: zero,
          },
          response_stats: {},
          batch_stats: [],
          memory_usage: [],
        },
      ],
    });
    expect((await platform.http('/v2/models/idle/versions/9/stats')).status).toBe(404);
  });
});
