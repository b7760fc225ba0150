// Entry point: builds the real dependencies, runs the command table, maps errors to exit codes.
// The only place that decides the process's exit code.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildProgram, CommanderError, globalsOf } from './cli.js';
import type { Runner } from './commands/runner.js';
import { lazy, type Deps, type GlobalOptions, type Output } from './core/deps.js';
import { DeployWatchError } from './core/errors.js';
import { EXIT } from './core/exitCodes.js';
import { realClock } from './core/clock.js';
import { useColour } from './core/format.js';
import { binPath, packageVersion } from './core/packageRoot.js';
import { createGit } from './core/git.js';
import { discoverRepo } from './core/repo.js';
import { stateDirFor, toolLogPath } from './core/stateDir.js';
import { FileStatusStore } from './core/statusStore.js';


export interface Io {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const processIo = (): Io => ({
  stdout: { write: (s) => void process.stdout.write(s), isTTY: Boolean(process.stdout.isTTY) },
  stderr: { write: (s) => void process.stderr.write(s), isTTY: Boolean(process.stderr.isTTY) },
  env: process.env,
  cwd: process.cwd(),
});

export function createDeps(globals: GlobalOptions, io: Io): Deps {
  const cwd = resolve(io.cwd, globals.cwd);
  const git = lazy(() => createGit(cwd, io.env));
  const repo = lazy(() => discoverRepo(git()));
  const stateDir = lazy(() => stateDirFor(repo(), io.env));
  const store = lazy(() => new FileStatusStore(stateDir()));
  // Config and logging pull in zod and pino: imported only by commands that use them.
  const config = lazy(async () => (await import('./core/config.js')).loadConfig(repo().topLevel, io.env));
  return {
    globals,
    env: io.env,
    stdout: io.stdout,
    stderr: io.stderr,
    colour: !globals.json && useColour(io.stdout.isTTY, io.env),
    ...realClock,
    kill: (pid, signal) => void process.kill(pid, signal),
    git,
    repo,
    stateDir,
    store,
    config,
    logger: lazy(async () => {
      const { createLogger } = await import('./core/log.js');
      const secrets = await secretsOf(config);
      return createLogger(toolLogPath(stateDir()), [secrets.doToken, secrets.databaseUrl], globals.verbose ? 'debug' : 'info');
    }),
    spawnDetached(args) {
      const child = spawn(process.execPath, [binPath(), ...args], { cwd: repo().topLevel, detached: true, stdio: 'ignore', env: io.env });
      child.unref();
      return child.pid ?? 0;
    },
  };
}

async function secretsOf(config: () => Promise<{ secrets: { doToken: string | null; databaseUrl: string | null } }>) {
  try {
    return (await config()).secrets;
  } catch {
    return { doToken: null, databaseUrl: null };
  }
}

/** Runs the CLI and resolves to its exit code; never throws. */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode: number = EXIT.success;
  let verbose = argv.includes('--verbose') || argv.includes('-v');
  const runner: Runner = async (command: Command, body) => {
    const globals = globalsOf(command, '.');
    verbose = globals.verbose;
    exitCode = await body(createDeps(globals, io));
  };
  const program = buildProgram(packageVersion(), runner);
  program.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    exitCode = reportError(error, io, verbose);
  }
  return exitCode;
}

function reportError(error: unknown, io: Io, verbose: boolean): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.success;
    return EXIT.usage; // commander already printed its message and the help hint
  }
  if (error instanceof DeployWatchError) {
    if (error.message) io.stderr.write(`deploy-watch: ${error.message}\n`);
    if (verbose && error.exitCode === EXIT.internal && error.stack) io.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const e = error as Error;
  io.stderr.write(`deploy-watch: internal error: ${e?.message ?? String(error)}. Re-run with --verbose for details and report it.\n`);
  if (verbose && e?.stack) io.stderr.write(`${e.stack}\n`);
  return EXIT.internal;
}

export async function main(argv: readonly string[]): Promise<void> {
  process.exitCode = await run(argv);
}

