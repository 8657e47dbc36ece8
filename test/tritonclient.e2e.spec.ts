import { initEngineBackend } from '@ddnn/engine';
import { OipGrpcServer } from '../apps/api/src/grpc/oip-grpc.server';
import { createOipModel, sampleViews } from './support/oip-fixture';
import { TestPlatform } from './support/test-platform';
import { TritonClientRunner } from './support/tritonclient';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * The real tritonclient, unmodified (shared/vendor/tritonclient-python), against the platform
 * over REST (HTTP sync and asyncio) and gRPC: readiness, metadata, JSON and binary inputs,
 * binary outputs, compression, versions and aliases, errors. The Python script reports what
 * the clients saw; the answers are compared with the REST JSON answers for the same samples.
 */
describe('tritonclient (HTTP, asyncio, gRPC) against the platform', () => {
  let platform: TestPlatform;
  let triton: TritonClientRunner | undefined;
  let seen: Json;
  const reference = new Map<string, Record<string, unknown[]>>();

  beforeAll(async () => {
    await initEngineBackend('wasm');
    platform = await TestPlatform.start();
    const grpcPort = await platform.app.get(OipGrpcServer).listen('127.0.0.1', 0);
    await createOipModel(platform, 'cams');
    for (const version of ['1', '2']) {
      const res = await platform.http(`/v2/models/cams/versions/${version}/infer`, {
        method: 'POST',
        json: {
          inputs: [
            { name: 'views', datatype: 'FP32', shape: [4, 3, 8, 8, 1], data: sampleViews(4) },
          ],
        },
      });
      expect(res.status).toBe(200);
      reference.set(
        version,
        Object.fromEntries(res.json.outputs.map((o: Json) => [o.name, o.data as unknown[]])),
      );
    }
    triton = await TritonClientRunner.prepare();
    seen = await triton.run('run_clients.py', [
      platform.baseUrl.replace(/^http:\/\//, ''),
      `127.0.0.1:${grpcPort}`,
      'cams',
    ]);
  }, 240_000);
  afterAll(async () => {
    triton?.dispose();
    await platform?.stop();
  });

  /** The answers a client saw equal the REST JSON answers (FP32 to 5 decimals). */
  function expectAnswers(got: Record<string, unknown[]>, version = '1', names?: string[]) {
    const expected = reference.get(version)!;
    expect(Object.keys(got).sort()).toEqual((names ?? Object.keys(expected)).sort());
    for (const [name, values] of Object.entries(got)) {
      if (name === 'probabilities' || name === 'entropy') {
        expect(values).toHaveLength(expected[name].length);
        values.forEach((v, i) => expect(v).toBeCloseTo(expected[name][i] as number, 5));
      } else expect({ name, values }).toEqual({ name, values: expected[name] });
    }
  }

  it('reads readiness and server metadata over HTTP, asyncio and gRPC', () => {
    for (const client of ['http', 'aio', 'grpc']) {
      expect({ client, live: seen[client].live, ready: seen[client].ready }).toEqual({
        client,
        live: true,
        ready: true,
      });
      expect(seen[client].server_metadata).toMatchObject({
        name: 'ddnn-platform',
        extensions: expect.arrayContaining(['binary_tensor_data']),
      });
    }
    for (const client of ['http', 'grpc']) {
      expect(seen[client].model_ready).toBe(true);
      expect(seen[client].alias_ready).toBe(true);
    }
  });

  it('reads model metadata: versions, the views input, the outputs', () => {
    for (const client of ['http', 'aio', 'grpc']) {
      const meta = seen[client].metadata;
      expect(meta.name).toBe('cams');
      expect(meta.versions).toEqual(['1', '2']);
      expect(meta.inputs).toEqual([
        // gRPC's int64 shapes arrive as strings in as_json (protobuf's JSON mapping).
        {
          name: 'views',
          datatype: 'FP32',
          shape: client === 'grpc' ? ['-1', '3', '8', '8', '1'] : [-1, 3, 8, 8, 1],
        },
      ]);
      expect(meta.outputs.map((o: Json) => o.name)).toEqual([
        'class',
        'probabilities',
        'exit_tier',
        'entropy',
        'comm_bytes',
      ]);
    }
  });

  it('infers with JSON inputs and JSON outputs (HTTP, asyncio)', () => {
    for (const client of ['http', 'aio'])
      expectAnswers(seen[client].json, '1', ['class', 'probabilities', 'exit_tier']);
  });

  it('infers with binary inputs and binary outputs (HTTP, asyncio, gRPC raw contents)', () => {
    for (const client of ['http', 'aio', 'grpc']) expectAnswers(seen[client].binary);
    expectAnswers(seen.grpc.named_outputs, '1', ['class']);
  });

  it('resolves versions and aliases, and the newest version without one', () => {
    expectAnswers(seen.http.version2, '2');
    expectAnswers(seen.grpc.version2, '2');
    for (const client of ['http', 'aio', 'grpc']) expectAnswers(seen[client].alias, '1');
    expectAnswers(seen.http.latest, '2');
    // Two seeds, two models: the comparison above can tell versions apart.
    expect(reference.get('1')!.probabilities).not.toEqual(reference.get('2')!.probabilities);
  });

  it('sends and receives compressed bodies (gzip, deflate; gRPC gzip)', () => {
    expectAnswers(seen.http.compressed.gzip);
    expectAnswers(seen.http.compressed.deflate);
    expectAnswers(seen.aio.compressed);
    expectAnswers(seen.grpc.compressed);
  });

  it('sends the cloud tier input (UINT8 features with a BOOL mask) as binary', () => {
    for (const client of ['http', 'grpc']) {
      expect(seen[client].features.exit_tier).toEqual(['cloud']);
      expect(seen[client].features.probabilities).toHaveLength(3);
    }
    expect(seen.http.features).toEqual(seen.grpc.features);
  });

  it('gets errors with a status and a printable message', () => {
    const http = seen.http.errors;
    expect(http.unknown_model).toMatchObject({ status: '404' });
    expect(http.unknown_model.message).toContain('no-such-model');
    expect(http.unknown_model.printed).toBe(`[404] ${http.unknown_model.message}`);
    expect(http.bad_shape).toMatchObject({ status: '400' });
    expect(http.bad_shape.message).toContain('shape must be [N, 3, 8, 8, 1]');
    expect(http.unknown_version.status).toBe('404');
    expect(seen.http.unknown_alias_ready).toBe(false);
    expect(seen.aio.errors.unknown_model.status).toBe('404');
    expect(seen.aio.errors.bad_shape.message).toContain('shape must be [N, 3, 8, 8, 1]');
    const grpc = seen.grpc.errors;
    expect(grpc.unknown_model.status).toBe('StatusCode.NOT_FOUND');
    expect(grpc.unknown_model.message).toContain('no-such-model');
    expect(grpc.bad_shape.status).toBe('StatusCode.INVALID_ARGUMENT');
    expect(grpc.bad_shape.message).toContain('shape must be [N, 3, 8, 8, 1]');
    expect(grpc.unknown_version.status).toBe('StatusCode.NOT_FOUND');
    expect(grpc.bad_credential.status).toBe('StatusCode.UNAUTHENTICATED');
  });
});
