// Entry point: runs the command table with the real dependencies (runtime.ts), maps errors to exit codes.
// With checkMain.ts, hookMain.ts and watcherMain.ts, the only places that end the process.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Deps, GlobalOptions } from './deps.js';
import { buildProgram, CommanderError, globalsOf } from './cli.js';
import type { Runner } from './commands/runner.js';
import { reportError as reportOther } from './errorReport.js';
import { isErrno, UsageError } from './kernel/errors.js';
import { EXIT } from './kernel/exitCodes.js';
import * as msg from './kernel/messages.js';
import { packageVersion } from './kernel/packageRoot.js';
import { LOADERS } from './loaders.js';
import { createDeps as createDepsWith, processIo, type Io } from './runtime.js';

export type { Io };

export const createDeps = (globals: GlobalOptions, io: Io, leave?: () => void): Deps =>
  createDepsWith(globals, io, LOADERS, leave);

/** Runs the CLI and resolves to its exit code; never throws. */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  return (await runCli(argv, io)).exitCode;
}

/** The exit code, and whether the command asked to end the process at once (Deps.leaveWhenDone). */
async function runCli(argv: readonly string[], io: Io): Promise<{ exitCode: number; leave: boolean }> {
  let exitCode: number = EXIT.success;
  let leave = false;
  let verbose = argv.includes('--verbose') || argv.includes('-v');
  const runner: Runner = async (command: Command, body) => {
    const globals = globalsOf(command, '.');
    verbose = globals.verbose;
    assertFolder(io.cwd, globals.cwd);
    exitCode = await body(createDeps(globals, io, () => void (leave = true)));
  };
  const program = buildProgram(packageVersion(), runner);
  program.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    exitCode = reportError(error, io, verbose);
  }
  return { exitCode, leave };
}

/** A --cwd that is not a folder is the user's typo, not a missing git (which is what git's spawn would say). */
function assertFolder(base: string, dir: string): void {
  try {
    if (!statSync(resolve(base, dir)).isDirectory()) throw new UsageError(msg.cwdNotFolder(dir));
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) throw new UsageError(msg.cwdMissing(dir));
    throw error;
  }
}

function reportError(error: unknown, io: Io, verbose: boolean): number {
  if (error instanceof CommanderError) {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    )
      return EXIT.success;
    return EXIT.usage; // commander already printed its message and the help hint
  }
  return reportOther(error, io.stderr, verbose);
}

export async function main(argv: readonly string[]): Promise<void> {
  const { exitCode, leave } = await runCli(argv, processIo());
  process.exitCode = exitCode;
  // The watcher and serve ask for it: a sleep's timer or a kept-alive socket may still hold the loop, and a
  // watcher that lost its claim must leave before it writes anything more. Logs are written synchronously.
  if (leave) process.exit(exitCode);
}
