import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/client-config';
import { ClientLog } from '../ui/client-log';
import { ResultsFile } from './results-file';

describe('the gateway results file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-results-'));
  const log = new ClientLog(true, 'gateway');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one JSON line per result', async () => {
    const path = join(dir, 'results.jsonl');
    const file = ResultsFile.open(path, log);
    file.write({ sample: 0 });
    file.write({ sample: 1 });
    await file.close();
    expect(readFileSync(path, 'utf8')).toBe('{"sample":0}\n{"sample":1}\n');
  });

  it('refuses a path it cannot write at once, saying which setting and why', () => {
    const path = join(dir, 'no-such-dir', 'results.jsonl');
    expect(() => ResultsFile.open(path, log)).toThrow(ConfigError);
    expect(() => ResultsFile.open(path, log)).toThrow(
      `cannot write the results file ${path} (--results, EDGE_RESULTS): ENOENT`,
    );
  });
});
