import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { UsageError } from '../../kernel/errors.js';
import { parseNonNegative } from '../../kernel/parse.js';
import * as msg from '../../kernel/messages.js';

const TYPES = ['build', 'deploy', 'run'] as const;

export function registerLogs(program: Command, runner: Runner): void {
  program
    .command('logs')
    .description(
      "fetch a deployment's logs from DigitalOcean (build and deploy by default) into runs/<sha>.log; exit 3 when no deployment is known",
    )
    .argument('[sha]', 'a commit: sha, unique prefix or ref (default HEAD)')
    .option('--type <type>', 'build, deploy or run (default: build and deploy)')
    .option('--tail <n>', 'print only the last n lines')
    .option('--follow', 'follow the live log of a deployment in progress until it ends', false)
    .option('--app <name>', 'with several apps (digitalocean.apps): whose logs (default: the app the record names)')
    .action(
      async (
        sha: string | undefined,
        opts: { type?: string; tail?: string; follow: boolean; app?: string },
        command: Command,
      ) => {
        if (opts.type !== undefined && !(TYPES as readonly string[]).includes(opts.type))
          throw new UsageError(msg.badLogType(opts.type));
        const tail = opts.tail === undefined ? null : Math.floor(parseNonNegative('--tail', opts.tail, 1_000_000));
        const type = opts.type as (typeof TYPES)[number] | undefined;
        await runner(command, async (deps) =>
          (await import('./index.js')).runLogs({ commit: sha, type, tail, follow: opts.follow, app: opts.app }, deps),
        );
      },
    );
}
