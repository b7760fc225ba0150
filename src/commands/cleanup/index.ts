// `deploy-watch cleanup [days] [--days N] [--dry-run]`: quiet and cron-safe.
import type { Deps } from '../../deps.js';
import { EXIT } from '../../kernel/exitCodes.js';
import * as msg from '../../kernel/messages.js';

export interface CleanupOptions {
  days: number;
  dryRun: boolean;
}

const DAY_MS = 86_400_000;

export async function runCleanup(options: CleanupOptions, deps: Deps): Promise<number> {
  const result = await deps.store().removeOlderThan(options.days * DAY_MS, deps.now(), options.dryRun);
  if (deps.globals.json) {
    deps.stdout.write(`${JSON.stringify({ dryRun: options.dryRun, days: options.days, ...result })}\n`);
    return EXIT.success;
  }
  const lines: string[] = [];
  const verb = options.dryRun ? 'would remove' : 'removed';
  if (result.removed.length > 0 || deps.globals.verbose || options.dryRun) {
    lines.push(...result.removed.map((f) => `${verb} ${f}`));
    lines.push(msg.removedCount(result.removed.length, options.dryRun));
  }
  if (deps.globals.verbose) {
    lines.push(...result.keptLive.map((f) => `kept ${f} (the watcher follows this commit)`));
    lines.push(...result.skipped.map((f) => `left ${f} (not a deploy-watch run file, or a symlink)`));
  }
  if (lines.length > 0 && !deps.globals.quiet) deps.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.success;
}
