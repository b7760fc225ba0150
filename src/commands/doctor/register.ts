import type { Command } from 'commander';
import type { Runner } from '../runner.js';

export function registerDoctor(program: Command, runner: Runner): void {
  program
    .command('doctor')
    .description(
      'check the setup: Node, hooks, config, token, app, deploy-on-push, health URL, database, state folder (exit 1 if a check fails)',
    )
    .action(async (_opts: unknown, command: Command) => {
      await runner(command, async (deps) => (await import('./index.js')).runDoctor(deps));
    });
}
