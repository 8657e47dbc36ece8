import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * prisma/migrations of the project, found by walking up from this file, so the same code works
 * from libs/ (ts-node, jest) and from dist/libs/ (compiled).
 */
export function findMigrationsDir(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`prisma/migrations not found above ${start}`);
    dir = parent;
  }
}
