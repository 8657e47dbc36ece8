import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { DomainError, ErrorCode } from '../common/domain-error';
import { sendHttpError } from '../common/domain-exception.filter';
import { httpStatusOf } from '../common/error-mapping';

export const DASHBOARD_PATH = '/dashboard';

/** GraphiQL's page in the same build; served only at /graphiql (graphiql-page.ts), when enabled. */
export const GRAPHIQL_HTML = 'graphiql.html';

/**
 * What a page of the build may load: only this origin's scripts (no inline ones, so injected
 * markup cannot run) and workers (Monaco's, in GraphiQL), GraphQL over fetch and WebSocket to
 * this origin, charts as inline SVG. Inline styles for React's style attributes, Vega's SVG and
 * Monaco's generated rules.
 */
function contentSecurityPolicy(scriptSrc: string): string {
  return [
    "default-src 'self'",
    `script-src ${scriptSrc}`,
    "worker-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    // GraphiQL's style sheet carries its fonts (Fira Code, Roboto) inline as data: URLs.
    "font-src 'self' data:",
    // 'self' covers ws:/wss: to this host (CSP level 3); a bare "ws: wss:" would allow any host.
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** The dashboard's: 'unsafe-eval' because Vega compiles its expressions with new Function. */
export const DASHBOARD_CONTENT_SECURITY_POLICY = contentSecurityPolicy("'self' 'unsafe-eval'");
/** GraphiQL's page needs no eval. */
export const GRAPHIQL_CONTENT_SECURITY_POLICY = contentSecurityPolicy("'self'");

/** Headers of every page and asset of the build (GraphiQL's page: its own policy). */
export const DASHBOARD_SECURITY_HEADERS = {
  'content-security-policy': DASHBOARD_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

/** Hashed asset names may be cached; a page must not be, or a rebuild is not picked up. */
export const PAGE_CACHE_CONTROL = 'no-cache';
const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Where `vite build` put the front end: dist/dashboard at the repository root. This file runs
 * from apps/api/src/dashboard (tests, ts) or from dist/apps/api/src/dashboard (npm start).
 */
export function dashboardBuildDir(): string | undefined {
  const up = join(__dirname, '..', '..', '..', '..');
  const candidates = [join(up, 'dist', 'dashboard'), join(up, 'dashboard')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** 503 for a page whose build is missing, saying how to make it. */
export function sendNotBuilt(
  request: FastifyRequest,
  reply: FastifyReply,
  what: string,
): FastifyReply {
  const error = new DomainError(
    ErrorCode.Unavailable,
    `${what} is not built: run "npm run build" (npm ci does it through prepare), then restart`,
  );
  return sendHttpError(request, reply, error, httpStatusOf(error.code));
}

/** Serves the built dashboard at /dashboard/ (hash routing: one index.html, no fallback needed). */
export async function serveDashboard(fastify: FastifyInstance): Promise<void> {
  const root = dashboardBuildDir();
  await fastify.register(async (scope) => {
    if (!root) {
      const notBuilt = async (request: FastifyRequest, reply: FastifyReply) =>
        sendNotBuilt(request, reply, 'the dashboard');
      scope.get(DASHBOARD_PATH, notBuilt);
      scope.get(`${DASHBOARD_PATH}/*`, notBuilt);
      return;
    }
    scope.get(DASHBOARD_PATH, async (_request, reply) => reply.redirect(`${DASHBOARD_PATH}/`));
    await scope.register(fastifyStatic, {
      root,
      prefix: `${DASHBOARD_PATH}/`,
      // GraphiQL's page has one address, /graphiql, which GRAPHQL_GRAPHIQL can turn off.
      allowedPath: (pathName) => posix.normalize(pathName) !== `/${GRAPHIQL_HTML}`,
      setHeaders: (res, path) => {
        for (const [name, value] of Object.entries(DASHBOARD_SECURITY_HEADERS)) {
          res.setHeader(name, value);
        }
        res.setHeader(
          'cache-control',
          path.endsWith('.html') ? PAGE_CACHE_CONTROL : ASSET_CACHE_CONTROL,
        );
      },
    });
  });
}
