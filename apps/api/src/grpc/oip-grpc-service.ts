import { loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPEN_INFERENCE_GRPC_PROTO } from './open-inference-grpc.proto';

/**
 * GRPCInferenceService of open_inference_grpc.proto: `.service` for the server, and a client
 * constructor for Node callers (bench:serve). Fields keep the proto's snake_case names. `proto`
 * is the KServe proto by default; Triton's statistics proto declares more methods of the same
 * service.
 */
export function loadOipGrpcService(proto = OPEN_INFERENCE_GRPC_PROTO): ServiceClientConstructor {
  // proto-loader reads files only: the proto text goes through a private temporary file.
  const dir = mkdtempSync(join(tmpdir(), 'ddnn-oip-proto-'));
  try {
    const file = join(dir, 'open_inference_grpc.proto');
    writeFileSync(file, proto);
    const definition = loadSync(file, {
      keepCase: true,
      longs: Number,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    const root = loadPackageDefinition(definition) as unknown as {
      inference: { GRPCInferenceService: ServiceClientConstructor };
    };
    return root.inference.GRPCInferenceService;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
