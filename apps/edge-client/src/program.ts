import { Command } from 'commander';
import { registerRegisterCommand } from './commands/register.command';
import { registerRunCommand } from './commands/run.command';
import { registerStatusCommand } from './commands/status.command';
import { registerUpdateCommand } from './commands/update.command';

export function buildProgram(configure?: (program: Command) => void): Command {
  const program = new Command()
    .name('edge-client')
    .description(
      'A DDNN end device or device-group gateway: register, download and verify its partition, run',
    )
    .showHelpAfterError();
  configure?.(program);
  registerRegisterCommand(program);
  registerRunCommand(program);
  registerStatusCommand(program);
  registerUpdateCommand(program);
  return program;
}
