import Fastify, { type FastifyInstance } from 'fastify';
import { ensureDashboardBuilt } from '../../../../test/support/ensure-dashboard-built';
import { GRAPHIQL_CONTENT_SECURITY_POLICY, serveDashboard } from './dashboard-static';
import { GRAPHIQL_PATH, serveGraphiql } from './graphiql-page';

describe('GraphiQL page (/graphiql)', () => {
  let server: FastifyInstance | undefined;

  beforeAll(() => ensureDashboardBuilt());
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(graphiqlEnabled: boolean): Promise<FastifyInstance> {
    server = Fastify();
    await serveDashboard(server);
    serveGraphiql(server, graphiqlEnabled);
    await server.ready();
    return server;
  }

  it('serves the built page with its own policy: this origin only, no eval, not cached', async () => {
    const response = await (await start(true)).inject({ url: GRAPHIQL_PATH });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('<div id="graphiql">');
    expect(response.body).toMatch(/<script type="module" crossorigin src="\/dashboard\/assets\//);
    expect(response.headers['content-security-policy']).toBe(GRAPHIQL_CONTENT_SECURITY_POLICY);
    expect(GRAPHIQL_CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('is 404 naming GRAPHQL_GRAPHIQL when turned off', async () => {
    const response = await (await start(false)).inject({ url: GRAPHIQL_PATH });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('NOT_FOUND');
    expect(response.json().error.message).toContain('GRAPHQL_GRAPHIQL=true');
  });

  it('has no second address under /dashboard/, however the path is spelled', async () => {
    const app = await start(false);
    for (const url of [
      '/dashboard/graphiql.html',
      '/dashboard//graphiql.html',
      '/dashboard/./graphiql.html',
      '/dashboard/assets/../graphiql.html',
      '/dashboard/%67raphiql.html',
    ]) {
      expect({ url, status: (await app.inject({ url })).statusCode }).toEqual({ url, status: 404 });
    }
    expect((await app.inject({ url: '/dashboard/' })).statusCode).toBe(200);
  });
});
