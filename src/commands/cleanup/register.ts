import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { UsageError } from '../../kernel/errors.js';
import { parseNonNegative } from '../../kernel/parse.js';

export const DEFAULT_CLEANUP_DAYS = 7;

export function registerCleanup(program: Command, runner: Runner): void {
  program
    .command('cleanup')
    .description(
      `delete status, log, PID and lock files older than N days (default ${DEFAULT_CLEANUP_DAYS}); never a live monitor's`,
    )
    .argument('[days]', 'same as --days')
    .option('--days <n>', 'age in days')
    .option('--dry-run', 'list what would be removed, remove nothing', false)
    .action(async (daysArg: string | undefined, opts: { days?: string; dryRun: boolean }, command: Command) => {
      if (daysArg !== undefined && opts.days !== undefined && daysArg !== opts.days) {
        throw new UsageError(`Give the age once: either "cleanup ${daysArg}" or "cleanup --days ${opts.days}".`);
      }
      const raw = opts.days ?? daysArg;
      const explicit = raw === undefined ? undefined : parseNonNegative('--days', raw, 36_500);
      await runner(command, async (deps) => {
        // The config's cleanup.days applies only when no age was given on the command line.
        const days = explicit ?? (await deps.config()).cleanup.days;
        return (await import('./index.js')).runCleanup({ days, dryRun: opts.dryRun }, deps);
      });
    });
}
