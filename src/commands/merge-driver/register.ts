import type { Command } from 'commander';
import type { Runner } from '../runner.js';

export function registerMergeDriver(program: Command, runner: Runner): void {
  program
    .command('merge-driver')
    .description(
      'the git merge driver behind .gitattributes merge=deploy-watch-<rule>: merges %O %A %B into %A by rule (union, checklist)',
    )
    .argument('<strategy>', 'union or checklist')
    .argument('<base>', 'the ancestor version (%O)')
    .argument('<ours>', 'the current version (%A); the result is written here')
    .argument('<theirs>', 'the other version (%B)')
    .argument('[path]', 'the real path, for messages (%P)')
    .action(
      async (
        strategy: string,
        base: string,
        ours: string,
        theirs: string,
        path: string | undefined,
        _o: unknown,
        command: Command,
      ) => {
        await runner(command, async (deps) =>
          (await import('./index.js')).runMergeDriver({ strategy, base, ours, theirs, path }, deps),
        );
      },
    );
}
