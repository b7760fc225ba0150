import type { Command } from 'commander';
import type { Runner } from '../runner.js';

export function registerPush(program: Command, runner: Runner): void {
  program
    .command('push')
    .alias('resolve-conflicts')
    .description(
      'push; on a lost race fetch, rebase (merging roadmap/changelog/session files by rule) and retry with backoff; never --force',
    )
    .argument('[remote]', "the remote (default: the branch's upstream remote)")
    .argument('[branch]', "the remote branch (default: the branch's upstream branch)")
    .option('--no-queue', 'race the other pushers instead of taking turns in the local push queue')
    .action(
      async (remote: string | undefined, branch: string | undefined, opts: { queue: boolean }, command: Command) => {
        await runner(command, async (deps) =>
          (await import('./index.js')).runPush({ remote, branch, queue: opts.queue }, deps),
        );
      },
    );
}
