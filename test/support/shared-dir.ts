import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * The project's shared/ directory (specs, vendored tritonclient): beside the clone (../shared
 * from the repository root, as in CI), or beside the main checkout when this is a git worktree.
 * Throws, naming where it looked, when it is absent.
 */
export function sharedDir(): string {
  const candidates = [resolve(ROOT, '..', 'shared')];
  try {
    const common = execFileSync(
      'git',
      ['rev-parse', '--path-format=absolute', '--git-common-dir'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    ).trim();
    candidates.push(resolve(dirname(common), '..', 'shared'));
  } catch {
    // Not a git checkout: ../shared is the only place.
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'vendor', 'tritonclient-python')));
  if (!found) {
    throw new Error(
      `shared/ with vendor/tritonclient-python not found (looked in ${candidates.join(', ')}): ` +
        'check the shared directory out beside this repository',
    );
  }
  return found;
}
