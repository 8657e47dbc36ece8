import { ConfigError, DEV_ADMIN_TOKEN, loadPlatformConfig } from './platform-config';

describe('loadPlatformConfig', () => {
  it('has defaults that work on a development machine', () => {
    const config = loadPlatformConfig({});
    expect(config).toMatchObject({
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/ddnn',
      REDIS_URL: 'redis://127.0.0.1:6379',
      API_PORT: 3000,
      WORKER_CONCURRENCY: 1,
      ADMIN_TOKEN: DEV_ADMIN_TOKEN,
      SEED_BUILTIN_DATASETS: true,
    });
  });

  it('coerces numbers and flags', () => {
    const config = loadPlatformConfig({
      API_PORT: '8080',
      WORKER_CONCURRENCY: '3',
      SEED_BUILTIN_DATASETS: 'false',
    });
    expect(config).toMatchObject({
      API_PORT: 8080,
      WORKER_CONCURRENCY: 3,
      SEED_BUILTIN_DATASETS: false,
    });
  });

  it('reports every bad variable together, by name', () => {
    let error: unknown;
    try {
      loadPlatformConfig({
        DATABASE_URL: 'mysql://localhost/x',
        REDIS_URL: 'not a url',
        API_PORT: '70000',
        WORKER_CONCURRENCY: 'many',
        ADMIN_TOKEN: 'short',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'DATABASE_URL',
      'REDIS_URL',
      'API_PORT',
      'WORKER_CONCURRENCY',
      'ADMIN_TOKEN',
    ]) {
      expect(problems).toContain(`${name}=`);
    }
    expect((error as ConfigError).message).toContain('postgres:// or postgresql://');
  });

  it('requires an admin token in production', () => {
    expect(() => loadPlatformConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_TOKEN.*required/);
    expect(
      loadPlatformConfig({ NODE_ENV: 'production', ADMIN_TOKEN: 'x'.repeat(32) }).ADMIN_TOKEN,
    ).toBe('x'.repeat(32));
  });
});
