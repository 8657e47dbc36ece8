import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sharedDir } from './shared-dir';

const run = promisify(execFile);
/** Debian's python3 (its python3-numpy, -geventhttpclient, -aiohttp, -grpcio...), not a pyenv one. */
const PYTHON = '/usr/bin/python3';

/**
 * The real, unmodified tritonclient (shared/vendor/tritonclient-python) run from test/tritonclient
 * scripts, with Triton's protos compiled to gRPC stubs at test time outside shared/ (read-only
 * in CI).
 */
export class TritonClientRunner {
  private constructor(
    private readonly vendor: string,
    private readonly stubs: string,
  ) {}

  static async prepare(): Promise<TritonClientRunner> {
    const vendor = join(sharedDir(), 'vendor', 'tritonclient-python');
    const stubs = mkdtempSync(join(tmpdir(), 'ddnn-triton-stubs-'));
    const protos = join(vendor, 'protobuf');
    await run(PYTHON, [
      '-m',
      'grpc_tools.protoc',
      `-I${protos}`,
      `--python_out=${stubs}`,
      `--grpc_python_out=${stubs}`,
      ...readdirSync(protos)
        .filter((f) => f.endsWith('.proto'))
        .map((f) => join(protos, f)),
    ]);
    return new TritonClientRunner(vendor, stubs);
  }

  /** Runs test/tritonclient/<script> and parses the JSON it prints. */
  async run<T>(script: string, args: string[]): Promise<T> {
    const { stdout } = await run(PYTHON, [join(__dirname, '..', 'tritonclient', script), ...args], {
      env: { ...process.env, PYTHONPATH: this.vendor, GRPC_STUBS: this.stubs },
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(stdout) as T;
  }

  dispose(): void {
    rmSync(this.stubs, { recursive: true, force: true });
  }
}
