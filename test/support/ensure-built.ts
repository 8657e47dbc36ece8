import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

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
 * Compiles the repository into dist/ (tsc + tsc-alias) when any .ts file under `sources` is
 * newer than `marker` (a built file, relative to the repository root), then touches the marker.
 * Processes that e2e tests start run from dist/ (the worker's sandboxed processor must be
 * JavaScript, the edge client is a real command).
 */
export function ensureBuiltFor(sources: string[], marker: string): void {
  const markerPath = join(ROOT, marker);
  const built = existsSync(markerPath) ? statSync(markerPath).mtimeMs : 0;
  const newest = Math.max(...sources.map((dir) => newestMtime(join(ROOT, dir))));
  if (built >= newest) return;
  // flock: several test files may want to build at once. tsc errors in files the process does
  // not use must not stop the path rewrite, hence `;` rather than `&&`.
  execFileSync(
    'flock',
    [
      '/tmp/ddnn-build.lock',
      'sh',
      '-c',
      `npx tsc -p tsconfig.build.json; npx tsc-alias -p tsconfig.build.json && touch ${marker}`,
    ],
    { cwd: ROOT, stdio: 'ignore', timeout: 300_000 },
  );
  if (!existsSync(markerPath)) throw new Error(`npm run build did not produce ${marker}`);
}

/** The worker, as the platform e2e tests start it. */
export function ensureBuilt(): void {
  ensureBuiltFor(['apps/worker/src', 'apps/api/src', 'libs'], 'dist/apps/worker/src/main.js');
}
