import type { Command } from 'commander';
import type { Runner } from '../runner.js';

export function registerInit(program: Command, runner: Runner): void {
  program
    .command('init')
    .description(
      'install into this repository: Husky pre-push hook, deploy-watch.config.json template, .gitattributes merge drivers; idempotent',
    )
    .option('--dry-run', 'show what would be written, write nothing', false)
    .option('--agents', 'also add how to push and check deployments to AGENTS.md (and CLAUDE.md when it exists)', false)
    .action(async (opts: { dryRun: boolean; agents: boolean }, command: Command) => {
      await runner(command, async (deps) =>
        (await import('./index.js')).runInit({ dryRun: Boolean(opts.dryRun), agents: Boolean(opts.agents) }, deps),
      );
    });
}
