import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { parseNonNegative } from '../../kernel/parse.js';

export function registerManage(program: Command, runner: Runner): void {
  const manage = program.command('manage').description('the background watcher and the commits it follows');
  manage
    .command('status')
    .description(
      'the watcher (PID, age, memory) and every commit it follows (sha, branch, age, state), marking stale ones',
    )
    .action(async (_opts: unknown, command: Command) => {
      await runner(command, async (deps) => (await import('./index.js')).runManageStatus(deps));
    });
  manage
    .command('stop')
    .description('stop following a commit (recorded stopped; the others go on), or end the watcher with --all')
    .argument('[sha]', 'the commit, or a unique prefix of it')
    .option(
      '--all',
      'end the watcher: SIGTERM, then SIGKILL after the grace period; every commit recorded stopped',
      false,
    )
    .option('--grace <seconds>', 'seconds to wait for the watcher (between SIGTERM and SIGKILL with --all)', '5')
    .action(async (sha: string | undefined, opts: { all: boolean; grace: string }, command: Command) => {
      const grace = parseNonNegative('--grace', opts.grace, 600);
      await runner(command, async (deps) =>
        (await import('./index.js')).runManageStop({ commit: sha, all: opts.all, grace }, deps),
      );
    });
  manage
    .command('cleanup')
    .description('remove what a watcher that is gone left behind (its PID file and lock)')
    .action(async (_opts: unknown, command: Command) => {
      await runner(command, async (deps) => (await import('./index.js')).runManageCleanup(deps));
    });
}
