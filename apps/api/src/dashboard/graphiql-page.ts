import type { FastifyInstance } from 'fastify';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError, ErrorCode } from '../common/domain-error';
import { sendHttpError } from '../common/domain-exception.filter';
import { httpStatusOf } from '../common/error-mapping';
import {
  DASHBOARD_SECURITY_HEADERS,
  dashboardBuildDir,
  GRAPHIQL_CONTENT_SECURITY_POLICY,
  GRAPHIQL_HTML,
  PAGE_CACHE_CONTROL,
  sendNotBuilt,
} from './dashboard-static';

export const GRAPHIQL_PATH = '/graphiql';

/**
 * GraphiQL at /graphiql: the page `vite build` made next to the dashboard (GraphiQL 5, Monaco and
 * its workers bundled, so it works without internet), with the dashboard's
 * Content-Security-Policy (this origin only) minus eval. Off (404 saying so) when
 * GRAPHQL_GRAPHIQL is false, as it is by default with NODE_ENV=production.
 */
export function serveGraphiql(fastify: FastifyInstance, enabled: boolean): void {
  fastify.get(GRAPHIQL_PATH, async (request, reply) => {
    if (!enabled) {
      const off = new DomainError(
        ErrorCode.NotFound,
        'GraphiQL is off here: set GRAPHQL_GRAPHIQL=true to serve it (off by default with NODE_ENV=production)',
      );
      return sendHttpError(request, reply, off, httpStatusOf(off.code));
    }
    const root = dashboardBuildDir();
    // Read per request (a small file, admin traffic): a rebuild is served without a restart.
    const html = root
      ? await readFile(join(root, GRAPHIQL_HTML)).catch(() => undefined)
      : undefined;
    if (!html) return sendNotBuilt(request, reply, 'GraphiQL');
    return reply
      .headers({
        ...DASHBOARD_SECURITY_HEADERS,
        'content-security-policy': GRAPHIQL_CONTENT_SECURITY_POLICY,
        'cache-control': PAGE_CACHE_CONTROL,
      })
      .type('text/html; charset=utf-8')
      .send(html);
  });
}
