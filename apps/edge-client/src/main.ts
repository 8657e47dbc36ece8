import { exitCodeOf } from './commands/command-errors';
import { describeError } from './platform/platform-errors';
import { buildProgram } from './program';

buildProgram()
  .parseAsync(process.argv)
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    process.stderr.write(`edge-client: ${describeError(err)}\n`);
    process.exit(exitCodeOf(err));
  });
