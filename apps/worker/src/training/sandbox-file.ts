import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * BullMQ forks the sandbox from a JavaScript file. Compiled code finds it next to itself; code
 * run from TypeScript sources (jest) uses the compiled copy under dist/ (built by `npm run build`,
 * which `npm ci` runs).
 */
export function trainingSandboxFile(): string {
  const here = __dirname;
  if (__filename.endsWith('.js')) return join(here, 'training-job.sandbox.js');
  let root = here;
  while (!existsSync(join(root, 'package.json'))) root = dirname(root);
  const compiled = join(root, 'dist', relative(root, here), 'training-job.sandbox.js');
  if (!existsSync(compiled)) {
    throw new Error(
      `${compiled} is missing: run \`npm run build\` first (the sandboxed processor runs compiled code)`,
    );
  }
  return compiled;
}
