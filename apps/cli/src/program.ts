import { Command } from 'commander';
import { registerDatasetCommands } from './commands/dataset.command';
import { registerEvalCommand } from './commands/eval.command';
import { registerExportCommand } from './commands/export.command';
import { registerInspectCommand } from './commands/inspect.command';
import { registerSweepCommand } from './commands/sweep.command';
import { registerTrainCommand } from './commands/train.command';

/** `configure` runs before the subcommands exist, so they inherit what it sets (e.g. exitOverride). */
export function buildProgram(configure?: (program: Command) => void): Command {
  const program = new Command()
    .name('ddnn')
    .description('Train, evaluate and cut Distributed Deep Neural Networks (devices, edge, cloud)')
    .showHelpAfterError();
  configure?.(program);
  registerTrainCommand(program);
  registerEvalCommand(program);
  registerSweepCommand(program);
  registerInspectCommand(program);
  registerExportCommand(program);
  registerDatasetCommands(program);
  return program;
}
