import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { UsageError } from '../../kernel/errors.js';
import { parseCount, parseNonNegative } from '../../kernel/parse.js';
import * as msg from '../../kernel/messages.js';
// Static, unlike the other commands: check is the hot path (hooks and agents call it constantly), and
// its code in the CLI's main bundle saves loading a chain of chunks on every call.
import { runCheckCall } from './index.js';

export function registerCheck(program: Command, runner: Runner): void {
  program
    .command('check')
    .description('did this commit deploy? exit 0 deployed, 1 failed, 2 in progress, 3 no outcome known')
    .argument('[sha]', 'a commit: sha, unique prefix or ref (default HEAD)')
    .option('--wait <seconds>', 'wait up to this long for a final outcome (exit 2 when time is up)')
    .option('--all', 'list recent commits with state, duration and source, newest first')
    .option('--limit <n>', 'with --all: how many', '20')
    .action(
      async (sha: string | undefined, opts: { wait?: string; all?: boolean; limit: string }, command: Command) => {
        const wait = opts.wait === undefined ? undefined : parseNonNegative('--wait', opts.wait, 86_400);
        if (!opts.all && command.getOptionValueSource('limit') === 'cli') throw new UsageError(msg.limitWithoutAll);
        if (opts.all) {
          if (sha !== undefined || wait !== undefined)
            throw new UsageError('--all lists every commit: give it without a sha and without --wait.');
          const limit = parseCount('--limit', opts.limit, 10_000);
          await runner(command, async (deps) => (await import('./history.js')).runCheckAll(limit, deps));
          return;
        }
        await runner(command, (deps) => runCheckCall({ commit: sha, wait }, deps));
      },
    );
}
