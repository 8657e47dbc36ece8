import { buildProgram } from '../../apps/cli/src/program';

/** Runs the `ddnn` program in-process with `args` and returns what it printed (stdout and help/errors). */
export async function runCli(args: string[]): Promise<string> {
  const out: string[] = [];
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
  try {
    const program = buildProgram((root) =>
      root
        .exitOverride()
        .configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push(s) }),
    );
    await program.parseAsync(['node', 'ddnn', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}
