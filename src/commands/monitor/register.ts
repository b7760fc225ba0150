import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { UsageError } from '../../kernel/errors.js';
import * as msg from '../../kernel/messages.js';

// A conservative branch/remote name: what git allows in practice, never an option or a path trick.
const NAME = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/@-]{1,200}$/;

export function registerMonitor(program: Command, runner: Runner): void {
  program
    .command('monitor')
    .description('follow the deployment of a commit to its end, keeping its status record current (the hooks start it)')
    .argument('[sha]', 'a commit: sha, unique prefix or ref (default HEAD)')
    .option('--detach', 'run in the background (own session, no terminal) and return at once, printing its PID', false)
    .option('--branch <name>', 'the deploy branch it was pushed to (default: config branch)')
    .option('--remote <name>', 'the remote it was pushed to (default: config remote)')
    .action(
      async (
        sha: string | undefined,
        opts: { detach: boolean; branch?: string; remote?: string },
        command: Command,
      ) => {
        for (const [flag, value] of [
          ['--branch', opts.branch],
          ['--remote', opts.remote],
        ] as const) {
          if (value !== undefined && !NAME.test(value))
            throw new UsageError(msg.badBranchName(value).replace('branch name', `${flag.slice(2)} name`));
        }
        await runner(command, async (deps) =>
          (await import('./index.js')).runMonitorCommand(
            { commit: sha, detach: opts.detach, branch: opts.branch, remote: opts.remote },
            deps,
          ),
        );
      },
    );
}
