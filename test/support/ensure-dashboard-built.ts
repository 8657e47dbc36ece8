import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const DASHBOARD_SRC = join(ROOT, 'apps', 'dashboard');
/** What `npm run build:dashboard` writes: dist/dashboard, served at /dashboard/ and /graphiql. */
export const DASHBOARD_BUILD = join(ROOT, 'dist', 'dashboard');
const PAGES = ['index.html', 'graphiql.html'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The API serves dist/dashboard: build it when a page is missing or older than its sources. */
export function ensureDashboardBuilt(): void {
  const built = Math.min(
    ...PAGES.map((page) => join(DASHBOARD_BUILD, page)).map((path) =>
      existsSync(path) ? statSync(path).mtimeMs : 0,
    ),
  );
  if (built >= newestMtime(DASHBOARD_SRC)) return;
  execFileSync('flock', ['/tmp/ddnn-build.lock', 'npm', 'run', '--silent', 'build:dashboard'], {
    cwd: ROOT,
    // Jest sets NODE_ENV=test, which would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'ignore',
    timeout: 180_000,
  });
}
