import { isIP } from 'node:net';
import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { UsageError } from '../../kernel/errors.js';
import * as msg from '../../kernel/messages.js';

export function registerServe(program: Command, runner: Runner): void {
  program
    .command('serve')
    .description(
      "the team's long-running watcher (team mode): polls while it holds the lease, follows every deployment of the app, JSON lines on stdout, ends on SIGTERM",
    )
    .option('--health-port <n>', 'answer GET /healthz on this port (0: any free port; the start line names it)')
    .option(
      '--health-host <ip>',
      'the address the health port listens on (0.0.0.0 for probes from outside a container)',
      '127.0.0.1',
    )
    .action(async (opts: { healthPort?: string; healthHost: string }, command: Command) => {
      const healthPort = opts.healthPort === undefined ? null : parsePort(opts.healthPort);
      if (isIP(opts.healthHost) === 0) throw new UsageError(msg.badHealthHost(opts.healthHost));
      await runner(command, async (deps) =>
        (await import('./index.js')).runServeCommand({ healthPort, healthHost: opts.healthHost }, deps),
      );
    });
}

function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) throw new UsageError(msg.badHealthPort(value));
  return port;
}
