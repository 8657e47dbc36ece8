import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Probe {
  filePath: string;
  code: string;
}

/**
 * Lints each snippet as if it were the named file, with the repository's eslint.config.mjs,
 * and returns the no-restricted-imports messages. ESLint runs in a child process: it loads its
 * flat config with import(), which Jest's CommonJS module system does not provide.
 */
function restrictedImportMessages(probes: Probe[]): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const probes = JSON.parse(process.argv[1]);
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const p of probes) {
        const [result] = await eslint.lintText(p.code, { filePath: p.filePath });
        out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((err) => { console.error(err); process.exit(1); });`;
  const stdout = execFileSync(process.execPath, ['-e', script, JSON.stringify(probes)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as string[][];
}

const TFJS_FREE = [
  'libs/model-spec/src/probe.ts',
  'libs/partition-format/src/probe.ts',
  'libs/device-runtime/src/probe.ts',
  'libs/datasets/src/probe.ts',
  'apps/edge-client/src/probe.ts',
  'apps/dashboard/src/probe.tsx',
];

const FORBIDDEN = [
  "import * as tf from '@tensorflow/tfjs-core';\nexport const x = tf;\n",
  "import { createModel } from '@ddnn/engine';\nexport const x = createModel;\n",
  "import { toyData } from '../../ddnn/src/testing/toy-data';\nexport const x = toyData;\n",
];

describe('the tfjs-free boundary (eslint no-restricted-imports)', () => {
  it('refuses tfjs and the engine in every tfjs-free lib and app, and allows @ddnn/model-spec', () => {
    const allowed =
      "import { PAPER_MVMC_CONFIG } from '@ddnn/model-spec';\nexport const x = PAPER_MVMC_CONFIG;\n";
    const probes: Probe[] = TFJS_FREE.flatMap((filePath) =>
      [...FORBIDDEN, allowed].map((code) => ({ filePath, code })),
    );
    // the engine itself and its users (the API) may import tfjs
    probes.push({ filePath: 'libs/ddnn/src/probe.ts', code: FORBIDDEN[0] });
    probes.push({ filePath: 'apps/api/src/probe.ts', code: FORBIDDEN[1] });
    // specs of tfjs-free code may compare against the engine
    probes.push({ filePath: 'libs/device-runtime/src/probe.spec.ts', code: FORBIDDEN[1] });

    const messages = restrictedImportMessages(probes);
    let at = 0;
    for (const filePath of TFJS_FREE) {
      for (let f = 0; f < FORBIDDEN.length; f++) {
        const found = messages[at++];
        expect({ filePath, f, found: found.length }).toEqual({ filePath, f, found: 1 });
        expect(found[0]).toMatch(/@ddnn\/model-spec/);
      }
      expect({ filePath, allowed: messages[at++] }).toEqual({ filePath, allowed: [] });
    }
    expect(messages.slice(at)).toEqual([[], [], []]);
  });
});
