import { execFile } from 'node:child_process';
import { initEngineBackend } from '@ddnn/engine';
import { createOipModel, sampleViews } from './support/oip-fixture';
import { TestPlatform } from './support/test-platform';

/** promtool (Debian's prometheus package) on stdin; resolves with its exit code and output. */
function promtoolCheck(exposition: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('promtool', ['check', 'metrics'], (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code, output: stdout + stderr });
    });
    child.stdin!.end(exposition);
  });
}

/** The API's /metrics, with every family populated, passes `promtool check metrics`. */
describe('Prometheus exposition', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    await initEngineBackend('wasm');
    platform = await TestPlatform.start();
    await createOipModel(platform, 'cams');
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
  });

  it('passes promtool check metrics', async () => {
    const infer = await platform.http('/v2/models/cams/infer', {
      method: 'POST',
      json: {
        inputs: [{ name: 'views', datatype: 'FP32', shape: [2, 3, 8, 8, 1], data: sampleViews(2) }],
      },
    });
    expect(infer.status).toBe(200);
    const scrape = await platform.http('/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(scrape.text).toContain('ddnn_inference_requests_total{');
    expect(scrape.text).toContain('ddnn_inference_batch_size_bucket{');
    const { code, output } = await promtoolCheck(scrape.text);
    expect({ code, output }).toEqual({ code: 0, output: '' });
    // And promtool does catch what it is here for: a gauge named like a counter.
    const broken = await promtoolCheck('# HELP x_total a gauge\n# TYPE x_total gauge\nx_total 1\n');
    expect(broken.code).not.toBe(0);
    expect(broken.output).toContain('non-counter metrics should not have "_total" suffix');
  });
});
