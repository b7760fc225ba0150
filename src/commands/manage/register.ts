import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { parseNonNegative } from '../../core/parse.js';

export function registerManage(program: Command, runner: Runner): void {
  const manage = program.command('manage').description('list, stop and tidy the background monitors');
  manage
    .command('status')
    .description('list live monitors (sha, branch, pid, age, state), marking stale ones')
    .action(async (_opts: unknown, command: Command) => {
      await runner(command, async (deps) => (await import('./index.js')).runManageStatus(deps));
    });
  manage
    .command('stop')
    .description('stop the monitor of a commit (SIGTERM, then SIGKILL after the grace period)')
    .argument('<sha>', 'the commit, or a unique prefix of it')
    .option('--grace <seconds>', 'seconds between SIGTERM and SIGKILL', '5')
    .action(async (sha: string, opts: { grace: string }, command: Command) => {
      const grace = parseNonNegative('--grace', opts.grace, 600);
      await runner(command, async (deps) => (await import('./index.js')).runManageStop({ commit: sha, grace }, deps));
    });
  manage
    .command('cleanup')
    .description('remove PID and lock files of monitors that are gone')
    .action(async (_opts: unknown, command: Command) => {
      await runner(command, async (deps) => (await import('./index.js')).runManageCleanup(deps));
    });
}
