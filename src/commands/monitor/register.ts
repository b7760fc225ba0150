import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { assertPushNames } from './names.js';

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
        assertPushNames(opts);
        await runner(command, async (deps) =>
          (await import('./index.js')).runMonitorCommand(
            { commit: sha, detach: opts.detach, branch: opts.branch, remote: opts.remote },
            deps,
          ),
        );
      },
    );
}
