import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SOURCES = ['apps/worker/src', 'apps/api/src', 'libs'];
const MARKER = join(ROOT, 'dist/apps/worker/src/main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The worker runs as a real process from dist/ (and its sandboxed processor must be JavaScript),
 * so e2e tests compile first when the sources are newer than the build.
 */
export function ensureBuilt(): void {
  const built = existsSync(MARKER) ? statSync(MARKER).mtimeMs : 0;
  const newest = Math.max(...SOURCES.map((dir) => newestMtime(join(ROOT, dir))));
  if (built >= newest) return;
  // flock: several test files may want to build at once. tsc errors in files the worker does
  // not use must not stop the path rewrite, hence `;` rather than `&&`.
  execFileSync(
    'flock',
    [
      '/tmp/ddnn-build.lock',
      'sh',
      '-c',
      'npx tsc -p tsconfig.build.json; npx tsc-alias -p tsconfig.build.json && touch dist/apps/worker/src/main.js',
    ],
    { cwd: ROOT, stdio: 'ignore', timeout: 300_000 },
  );
  if (!existsSync(MARKER))
    throw new Error('npm run build did not produce dist/apps/worker/src/main.js');
}
