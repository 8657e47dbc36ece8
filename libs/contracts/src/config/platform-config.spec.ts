import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, DEV_ADMIN_TOKEN, loadPlatformConfig } from './platform-config';

describe('loadPlatformConfig', () => {
  it('has defaults that work on a development machine', () => {
    const config = loadPlatformConfig({});
    expect(config).toMatchObject({
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/ddnn',
      REDIS_URL: 'redis://127.0.0.1:6379',
      API_PORT: 3000,
      WORKER_CONCURRENCY: 1,
      TRAINING_THREADS: 1,
      ADMIN_TOKEN: DEV_ADMIN_TOKEN,
      SEED_BUILTIN_DATASETS: true,
    });
  });

  it('coerces numbers and flags', () => {
    const config = loadPlatformConfig({
      API_PORT: '8080',
      WORKER_CONCURRENCY: '3',
      TRAINING_THREADS: '2',
      SEED_BUILTIN_DATASETS: 'false',
    });
    expect(config).toMatchObject({
      API_PORT: 8080,
      WORKER_CONCURRENCY: 3,
      TRAINING_THREADS: 2,
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
        TRAINING_THREADS: '65',
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
      'TRAINING_THREADS',
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

  it('refuses the public development token and short tokens in production, with a clear message', () => {
    expect(() =>
      loadPlatformConfig({ NODE_ENV: 'production', ADMIN_TOKEN: DEV_ADMIN_TOKEN }),
    ).toThrow(/ADMIN_TOKEN=\(secret, not shown\): is the public development token.*openssl rand/);
    expect(() =>
      loadPlatformConfig({ NODE_ENV: 'production', ADMIN_TOKEN: 'a-24-character-token-xyz' }),
    ).toThrow(/ADMIN_TOKEN=\(secret, not shown\): must be at least 32 characters in production/);
    // Outside production both stay allowed (development and tests).
    expect(loadPlatformConfig({ ADMIN_TOKEN: DEV_ADMIN_TOKEN }).ADMIN_TOKEN).toBe(DEV_ADMIN_TOKEN);
    expect(loadPlatformConfig({ ADMIN_TOKEN: 'a-24-character-token-xyz' }).ADMIN_TOKEN).toBe(
      'a-24-character-token-xyz',
    );
  });
});

describe('outage and retry settings', () => {
  it('have bounded defaults and refuse values out of range', () => {
    expect(loadPlatformConfig({})).toMatchObject({
      DATABASE_CONNECT_TIMEOUT_MS: 5000,
      DATABASE_QUERY_TIMEOUT_MS: 60_000,
      REDIS_COMMAND_TIMEOUT_MS: 3000,
      UNAVAILABLE_RETRY_AFTER_SECONDS: 5,
      TRAINING_RETRY_BACKOFF_MS: 10_000,
      TRAINING_REAPER_INTERVAL_MS: 30_000,
    });
    expect(() => loadPlatformConfig({ DATABASE_QUERY_TIMEOUT_MS: '0' })).toThrow(
      /DATABASE_QUERY_TIMEOUT_MS="0"/,
    );
    expect(() => loadPlatformConfig({ TRAINING_RETRY_BACKOFF_MS: 'soon' })).toThrow(
      /TRAINING_RETRY_BACKOFF_MS="soon"/,
    );
  });
});

describe('EDGE_SIGNING_KEY', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  it('is absent unless set, and takes a PEM with real or escaped newlines', () => {
    expect('EDGE_SIGNING_KEY' in loadPlatformConfig({})).toBe(false);
    expect(loadPlatformConfig({ EDGE_SIGNING_KEY: pem }).EDGE_SIGNING_KEY).toBe(pem);
    expect(
      loadPlatformConfig({ EDGE_SIGNING_KEY: pem.replace(/\n/g, '\\n') }).EDGE_SIGNING_KEY,
    ).toBe(pem);
  });

  it('refuses other key types and garbage without echoing the secret', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(() => loadPlatformConfig({ EDGE_SIGNING_KEY: rsa })).toThrow(
      /EDGE_SIGNING_KEY=\(secret, not shown\): must be an Ed25519 private key, got a rsa key/,
    );
    let message = '';
    try {
      loadPlatformConfig({ EDGE_SIGNING_KEY: 'not-a-key-123', ADMIN_TOKEN: 'short-secret' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('EDGE_SIGNING_KEY=(secret, not shown): must be an Ed25519');
    expect(message).toContain('ADMIN_TOKEN=(secret, not shown)');
    expect(message).not.toContain('not-a-key-123');
    expect(message).not.toContain('short-secret');
  });
});

describe('INFERENCE_AUTH', () => {
  it('is open by default and takes only open or credential', () => {
    expect(loadPlatformConfig({}).INFERENCE_AUTH).toBe('open');
    expect(loadPlatformConfig({ INFERENCE_AUTH: 'credential' }).INFERENCE_AUTH).toBe('credential');
    expect(() => loadPlatformConfig({ INFERENCE_AUTH: 'closed' })).toThrow(
      /INFERENCE_AUTH="closed"/,
    );
  });
});

describe('GraphQL development tools', () => {
  const prod = { NODE_ENV: 'production', ADMIN_TOKEN: 'x'.repeat(32) };

  it('are on in development and off in production unless enabled', () => {
    expect(loadPlatformConfig({})).toMatchObject({
      GRAPHQL_GRAPHIQL: true,
      GRAPHQL_INTROSPECTION: true,
    });
    expect(loadPlatformConfig(prod)).toMatchObject({
      GRAPHQL_GRAPHIQL: false,
      GRAPHQL_INTROSPECTION: false,
    });
    expect(
      loadPlatformConfig({ ...prod, GRAPHQL_GRAPHIQL: 'true', GRAPHQL_INTROSPECTION: '1' }),
    ).toMatchObject({ GRAPHQL_GRAPHIQL: true, GRAPHQL_INTROSPECTION: true });
    expect(loadPlatformConfig({ GRAPHQL_INTROSPECTION: 'false' }).GRAPHQL_INTROSPECTION).toBe(
      false,
    );
  });

  it('limits have defaults and refuse zero', () => {
    expect(loadPlatformConfig({})).toMatchObject({
      GRAPHQL_MAX_DEPTH: 10,
      GRAPHQL_MAX_ALIASES: 30,
      GRAPHQL_MAX_COST: 5000,
      GRAPHQL_MAX_TOKENS: 5000,
      GRAPHQL_SUBSCRIPTIONS_PER_CONNECTION: 10,
      GRAPHQL_SUBSCRIPTIONS_MAX: 1000,
      GRAPHQL_WS_INIT_TIMEOUT_MS: 3000,
    });
    expect(() => loadPlatformConfig({ GRAPHQL_MAX_ALIASES: '0' })).toThrow(/GRAPHQL_MAX_ALIASES/);
  });
});
