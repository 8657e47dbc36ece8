import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../common/domain-error';
import { httpStatusOf } from '../common/error-mapping';

export const DASHBOARD_PATH = '/dashboard';

/**
 * What the dashboard's pages may load: only this origin's scripts (no inline ones, so injected
 * markup cannot run), GraphQL over fetch and WebSocket to this origin, charts as inline SVG.
 * 'unsafe-eval' because Vega compiles its expressions with new Function; inline styles for
 * React's style attributes and Vega's SVG.
 */
export const DASHBOARD_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  // 'self' covers ws:/wss: to this host (CSP level 3); a bare "ws: wss:" would allow any host.
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Where `vite build` put the front end: dist/dashboard at the repository root. This file runs
 * from apps/api/src/dashboard (tests, ts) or from dist/apps/api/src/dashboard (npm start).
 */
export function dashboardBuildDir(): string | undefined {
  const up = join(__dirname, '..', '..', '..', '..');
  const candidates = [join(up, 'dist', 'dashboard'), join(up, 'dashboard')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** Serves the built dashboard at /dashboard/ (hash routing: one index.html, no fallback needed). */
export async function serveDashboard(fastify: FastifyInstance): Promise<void> {
  const root = dashboardBuildDir();
  await fastify.register(async (scope) => {
    if (!root) {
      const notBuilt = async (_request: FastifyRequest, reply: FastifyReply) =>
        reply.status(httpStatusOf(ErrorCode.Unavailable)).send({
          error: {
            code: ErrorCode.Unavailable,
            message:
              'the dashboard is not built: run "npm run build" (npm ci does it through prepare), then restart',
          },
        });
      scope.get(DASHBOARD_PATH, notBuilt);
      scope.get(`${DASHBOARD_PATH}/*`, notBuilt);
      return;
    }
    scope.get(DASHBOARD_PATH, async (_request, reply) => reply.redirect(`${DASHBOARD_PATH}/`));
    await scope.register(fastifyStatic, {
      root,
      prefix: `${DASHBOARD_PATH}/`,
      // Hashed asset names may be cached; index.html must not be, or a rebuild is not picked up.
      setHeaders: (res, path) => {
        res.setHeader('content-security-policy', DASHBOARD_CONTENT_SECURITY_POLICY);
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('referrer-policy', 'no-referrer');
        res.setHeader(
          'cache-control',
          path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
        );
      },
    });
  });
}
