import type { Command } from 'commander';
import type { Runner } from '../runner.js';

export function registerWatcher(program: Command, runner: Runner): void {
  program
    .command('watcher', { hidden: true })
    .description('the background watcher of this state folder: follows every commit handed to it (started for you)')
    .action(async (_opts: unknown, command: Command) => {
      await runner(command, async (deps) => (await import('../../watcher/process.js')).runWatcherProcess(deps));
    });
}
