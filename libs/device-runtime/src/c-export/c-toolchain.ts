import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CExportFile } from './c-export';

/**
 * The C toolchains the export's tests run (Debian packages; `.ci/run` installs them): gcc for
 * the host, gcc-avr + avr-libc for the ATmega2560, simavr to run it.
 */
const PACKAGES: Record<string, string> = {
  gcc: 'gcc',
  'avr-gcc': 'gcc-avr and avr-libc',
  'avr-size': 'binutils-avr (comes with gcc-avr)',
  simavr: 'simavr',
};

/** Fails (never skips) with what to install when a tool is missing. */
export function requireTool(tool: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (found.status !== 0) {
    throw new Error(
      `${tool} is not installed: the C export tests need it (Debian: apt-get install ${PACKAGES[tool] ?? tool}; .ci/run installs it)`,
    );
  }
}

export function run(
  command: string,
  args: string[],
  input?: Uint8Array,
  timeoutMs = 60_000,
): { stdout: Buffer; stderr: string } {
  const result = spawnSync(command, args, {
    input,
    maxBuffer: 256 * 1024 * 1024,
    timeout: timeoutMs,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.status}:\n${result.stderr.toString()}${result.stdout.toString().slice(0, 2000)}`,
    );
  }
  return { stdout: result.stdout, stderr: result.stderr.toString() };
}

export function writeFiles(dir: string, files: CExportFile[]): string[] {
  return files.map((f) => {
    const path = join(dir, f.name);
    writeFileSync(path, f.content);
    return path;
  });
}

/** Strict C99: any warning fails the build. */
export const STRICT_C99 = ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Werror'];
