import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, envName, flagName, loadClientConfig } from './client-config';

describe('edge client configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-config-'));
  const file = (settings: unknown) => {
    const path = join(dir, `${Math.random()}.json`);
    writeFileSync(path, JSON.stringify(settings));
    return path;
  };

  it('names flags and variables after the fields', () => {
    expect(envName('deviceTimeoutMs')).toBe('EDGE_DEVICE_TIMEOUT_MS');
    expect(flagName('deviceTimeoutMs')).toBe('--device-timeout-ms');
  });

  it('merges file < env < flags and applies defaults', () => {
    const config = file({
      stateDir: '/from/file',
      deviceTimeoutMs: 100,
      dataset: 'mnist-6',
      limit: 5,
    });
    const cfg = loadClientConfig(
      ['stateDir', 'deviceTimeoutMs', 'dataset', 'limit', 'json', 'listen'] as const,
      { config, limit: '7' },
      { EDGE_DEVICE_TIMEOUT_MS: '250', EDGE_JSON: 'true' },
    );
    expect(cfg).toEqual({
      stateDir: '/from/file',
      deviceTimeoutMs: 250,
      dataset: 'mnist-6',
      limit: 7,
      json: true,
      listen: '127.0.0.1:7070',
    });
  });

  it('reports every problem at once, naming flag, variable and file key', () => {
    let error: unknown;
    try {
      loadClientConfig(['deviceIndex', 'platformUrl', 'gatewayAddress'] as const, {
        deviceIndex: 'two',
        platformUrl: 'ftp://x',
        gatewayAddress: 'nohost',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(
      '--device-index (EDGE_DEVICE_INDEX, "deviceIndex" in the config file): expected a whole number',
    );
    expect(message).toContain('--platform-url');
    expect(message).toContain('expected host:port');
  });

  it('refuses unknown settings and unreadable files', () => {
    expect(() =>
      loadClientConfig(['stateDir'] as const, { config: file({ statedir: 'x' }) }),
    ).toThrow('unknown settings: statedir');
    expect(() =>
      loadClientConfig(['stateDir'] as const, { config: join(dir, 'missing.json') }),
    ).toThrow('cannot read the config file');
    expect(() => loadClientConfig(['stateDir'] as const, { config: file([1]) })).toThrow(
      'a JSON object',
    );
  });
});
