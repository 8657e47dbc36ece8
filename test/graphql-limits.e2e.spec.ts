import { GraphQLSchemaHost } from '@nestjs/graphql';
import { parse, validate } from 'graphql';
import WebSocket from 'ws';
import * as dashboardQueries from '../apps/dashboard/src/api/queries';
import { graphqlLimitRules } from '../apps/api/src/graphql/graphql-limits';
import { initEngineBackend } from '@ddnn/engine';
import { ensureDashboardBuilt } from './support/ensure-dashboard-built';
import { createOipModel } from './support/oip-fixture';
import { TestPlatform } from './support/test-platform';

/** A job that stays RUNNING (no worker runs here): its subscriptions stay live. */
let liveJobId = '';

/** A graphql-transport-ws connection that can hold several subscriptions at once. */
class SubscriptionConnection {
  private readonly outcomes = new Map<string, (outcome: string) => void>();
  private constructor(private readonly socket: WebSocket) {}

  static async open(baseUrl: string): Promise<SubscriptionConnection> {
    const socket = new WebSocket(
      `${baseUrl.replace(/^http/, 'ws')}/graphql`,
      'graphql-transport-ws',
    );
    const connection = new SubscriptionConnection(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
      socket.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as { type: string; id?: string; payload?: unknown };
        if (message.type === 'connection_ack') resolve();
        if (message.type === 'error' && message.id) {
          connection.outcomes.get(message.id)?.(JSON.stringify(message.payload));
        }
      });
    });
    return connection;
  }

  /** Subscribes; resolves 'live' if no error came within 300 ms, else the error's text. */
  subscribe(
    id: string,
    query = `subscription { trainingProgress(jobId: "${liveJobId}") { status } }`,
  ): Promise<string> {
    const outcome = new Promise<string>((resolve) => {
      this.outcomes.set(id, resolve);
      setTimeout(() => resolve('live'), 300);
    });
    this.socket.send(
      JSON.stringify({
        id,
        type: 'subscribe',
        payload: { query },
      }),
    );
    return outcome;
  }

  complete(id: string): void {
    this.socket.send(JSON.stringify({ id, type: 'complete' }));
  }

  async close(): Promise<void> {
    const closed = new Promise((resolve) => this.socket.once('close', resolve));
    this.socket.close();
    await closed;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('GraphQL limits (low limits configured)', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await TestPlatform.start({
      GRAPHQL_MAX_DEPTH: '3',
      GRAPHQL_MAX_ALIASES: '4',
      GRAPHQL_MAX_COST: '60',
      GRAPHQL_MAX_TOKENS: '400',
      GRAPHQL_SUBSCRIPTIONS_PER_CONNECTION: '2',
      GRAPHQL_SUBSCRIPTIONS_MAX: '3',
    });
    await initEngineBackend('wasm');
    await createOipModel(platform, 'cams');
    const model = await platform.prisma.model.findUniqueOrThrow({ where: { name: 'cams' } });
    const dataset = await platform.prisma.dataset.findUniqueOrThrow({
      where: { name: 'cams-fixture' },
    });
    const job = await platform.prisma.trainingJob.create({
      data: {
        modelId: model.id,
        datasetId: dataset.id,
        status: 'RUNNING',
        params: {},
        totalEpochs: 3,
      },
    });
    liveJobId = job.id;
  }, 120_000);
  afterAll(() => platform?.stop());

  const refused = async (query: string, variable: string) => {
    const res = await platform.http('/graphql', { method: 'POST', json: { query } });
    // GraphQL over HTTP: a request refused in validation answers 200 with errors to a client
    // accepting application/json (Apollo Client then reads the errors), 400 only to
    // application/graphql-response+json.
    expect(res.status).toBe(200);
    expect(res.json.data ?? null).toBeNull();
    const messages = (res.json.errors as { message: string }[]).map((e) => e.message).join('\n');
    expect(messages).toContain(variable);
    return messages;
  };

  it('refuses a query deeper than GRAPHQL_MAX_DEPTH, naming the limit', async () => {
    const ok = await platform.graphql('{ models { name aliases { name } } }');
    expect(ok.errors).toBeUndefined();
    const message = await refused(
      '{ modelVersions { nodes { model { aliases { name } } } } }',
      'GRAPHQL_MAX_DEPTH',
    );
    expect(message).toMatch(/depth limit of 3 exceeded, found 5/i);
  });

  it('refuses more aliases than GRAPHQL_MAX_ALIASES, naming the limit', async () => {
    const ok = await platform.graphql('{ a: models { name } b: models { name } }');
    expect(ok.errors).toBeUndefined();
    const aliases = Array.from({ length: 5 }, (_, i) => `a${i}: models { name }`).join(' ');
    const message = await refused(`{ ${aliases} }`, 'GRAPHQL_MAX_ALIASES');
    expect(message).toMatch(/aliases limit of 4 exceeded, found 5/i);
  });

  it('refuses a query whose cost is over GRAPHQL_MAX_COST (a page size multiplies it)', async () => {
    const ok = await platform.graphql('{ modelVersions(first: 5) { nodes { id } } }');
    expect(ok.errors).toBeUndefined();
    const message = await refused(
      '{ modelVersions(first: 100) { nodes { id } } }',
      'GRAPHQL_MAX_COST',
    );
    expect(message).toMatch(/cost limit of 60 exceeded/i);
  });

  it('stops parsing past GRAPHQL_MAX_TOKENS', async () => {
    const res = await platform.http('/graphql', {
      method: 'POST',
      json: { query: `{ models { ${'name '.repeat(500)} } }` },
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json.errors)).toMatch(/more that 400 tokens/);
  });

  it('serves GraphiQL and introspection outside production', async () => {
    ensureDashboardBuilt(); // GraphiQL's page is part of the dashboard's build
    expect((await platform.http('/graphiql')).status).toBe(200);
    const res = await platform.graphql('{ __schema { queryType { name } } }');
    expect(res.data.__schema.queryType.name).toBe('Query');
  });

  it('caps subscriptions per connection and per process, and frees them when they end', async () => {
    const first = await SubscriptionConnection.open(platform.baseUrl);
    expect(await first.subscribe('a')).toBe('live');
    expect(await first.subscribe('b')).toBe('live');
    expect(await first.subscribe('c')).toContain('GRAPHQL_SUBSCRIPTIONS_PER_CONNECTION');
    first.complete('a');
    await pause(100);
    expect(await first.subscribe('d')).toBe('live');

    // A subscription document gets the same bounds as a query (here 5 aliases, 4 allowed).
    const fields = Array.from({ length: 5 }, (_, i) => `s${i}: status`).join(' ');
    const aliased = `subscription { trainingProgress(jobId: "x") { ${fields} } }`;
    expect(await first.subscribe('aliases', aliased)).toContain('GRAPHQL_MAX_ALIASES');

    const second = await SubscriptionConnection.open(platform.baseUrl);
    expect(await second.subscribe('e')).toBe('live');
    // b, d and e are live: the process cap of 3 is reached.
    expect(await second.subscribe('f')).toContain('GRAPHQL_SUBSCRIPTIONS_MAX');
    await first.close();
    await pause(200);
    expect(await second.subscribe('g')).toBe('live');
    await second.close();
  });
});

describe('GraphQL in production (default limits)', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await TestPlatform.start({ NODE_ENV: 'production' });
  });
  afterAll(() => platform?.stop());

  it('refuses the 3,000-alias request before running it', async () => {
    const aliases = Array.from(
      { length: 3000 },
      (_, i) => `v${i}: modelVersions { nodes { id version metrics } }`,
    ).join(' ');
    const res = await platform.http('/graphql', {
      method: 'POST',
      json: { query: `{ ${aliases} }` },
    });
    expect(res.status).toBe(200); // refused in parsing: errors, no data (see `refused` above)
    expect(res.json.data ?? null).toBeNull();
    // The token bound (5,000 by default) stops it first; with a larger one, the alias bound.
    expect(JSON.stringify(res.json.errors)).toMatch(/tokens|GRAPHQL_MAX_ALIASES/);
    // Under the token bound: 300 aliases of a page of 100 break the alias and the cost bounds;
    // the answer is one error, the first limit.
    const fewTokens = Array.from(
      { length: 300 },
      (_, i) => `v${i}: modelVersions(first: 100) { nodes { id } }`,
    ).join(' ');
    const both = validate(
      platform.app.get(GraphQLSchemaHost).schema,
      parse(`{ ${fewTokens} }`),
      graphqlLimitRules({ ...platform.config, GRAPHQL_MAX_ALIASES: 1000 }),
    );
    expect(both.map((e) => e.message).join()).toContain('GRAPHQL_MAX_COST');
    const aliasRefusal = await platform.http('/graphql', {
      method: 'POST',
      json: { query: `{ ${fewTokens} }` },
    });
    expect(aliasRefusal.status).toBe(200);
    expect(aliasRefusal.json.errors).toHaveLength(1);
    expect(aliasRefusal.json.errors[0].message).toContain('GRAPHQL_MAX_ALIASES');
    expect(aliasRefusal.json.errors[0].extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
  });

  it('turns GraphiQL and introspection off', async () => {
    expect((await platform.http('/graphiql')).status).toBe(404);
    const res = await platform.graphql('{ __schema { types { name } } }');
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0].message).toMatch(/introspection/i);
    const typeQuery = await platform.graphql('{ __type(name: "Query") { name } }');
    expect(typeQuery.errors?.[0].message).toMatch(/introspection/i);
  });

  it('accepts every query the dashboard sends under the default limits', () => {
    const { schema } = platform.app.get(GraphQLSchemaHost);
    const rules = graphqlLimitRules(platform.config);
    const documents: [string, unknown][] = Object.entries(dashboardQueries);
    expect(documents.length).toBeGreaterThan(10);
    for (const [name, source] of documents) {
      // The generated documents are TypedDocumentStrings: their text is what the dashboard sends.
      expect(source).toHaveProperty('toString');
      expect([name, validate(schema, parse(String(source)), rules).map((e) => e.message)]).toEqual([
        name,
        [],
      ]);
    }
  });
});
