import { Command } from 'commander';

/** Options every command takes; values are validated by loadClientConfig, not here. */
export function withCommonOptions(command: Command): Command {
  return command
    .option(
      '--config <file>',
      'JSON file of settings (env EDGE_CONFIG); env EDGE_* and flags override it',
    )
    .option(
      '--state-dir <dir>',
      'where the registration and the last good partition live (EDGE_STATE_DIR, default .edge-client)',
    )
    .option('--json', 'one JSON line per event on stdout, no progress bar or live line (EDGE_JSON)')
    .option(
      '--retry-base-ms <ms>',
      'first retry delay towards the platform (EDGE_RETRY_BASE_MS, default 500)',
    )
    .option('--retry-max-ms <ms>', 'longest retry delay (EDGE_RETRY_MAX_MS, default 30000)');
}
