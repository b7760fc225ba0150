import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { parseNonNegative } from '../../kernel/parse.js';

export function registerWatch(program: Command, runner: Runner): void {
  program
    .command('watch')
    .description('live view of one deployment until it ends; exit code as check')
    .argument('[sha]', 'a commit: sha, unique prefix or ref (default HEAD)')
    .option('--appear-timeout <seconds>', 'how long to wait for a monitor to record the commit', '60')
    .option('--interval <seconds>', 'how often to refresh', '0.5')
    .action(async (sha: string | undefined, opts: { appearTimeout: string; interval: string }, command: Command) => {
      const appearTimeout = parseNonNegative('--appear-timeout', opts.appearTimeout, 86_400);
      const intervalMs = parseNonNegative('--interval', opts.interval, 60) * 1000;
      await runner(command, async (deps) =>
        (await import('./index.js')).runWatch(
          { commit: sha, appearTimeout, intervalMs: Math.max(50, intervalMs) },
          deps,
        ),
      );
    });
}
