// The command table. Each command registers itself (argv → typed options) and loads its
// implementation lazily, so `check` never pays for what `monitor` or `push` need.
import { Command, CommanderError } from 'commander';
import type { GlobalOptions } from './deps.js';
import type { Runner } from './commands/runner.js';
import { registerCheck } from './commands/check/register.js';
import { registerCleanup } from './commands/cleanup/register.js';
import { registerManage } from './commands/manage/register.js';
import { registerWatch } from './commands/watch/register.js';
import { registerDoctor } from './commands/doctor/register.js';
import { registerHook } from './commands/hook/register.js';
import { registerInit } from './commands/init/register.js';
import { registerPush } from './commands/push/register.js';
import { registerMergeDriver } from './commands/merge-driver/register.js';
import { registerMonitor } from './commands/monitor/register.js';
import { registerWatcher } from './commands/watcher/register.js';
import { registerLogs } from './commands/logs/register.js';
import { registerServe } from './commands/serve/register.js';

export function buildProgram(version: string, runner: Runner): Command {
  const program = new Command('deploy-watch')
    .description(
      'Did my push deploy, and if not, why? Watches deployments after git push and gets pushes through a busy main.',
    )
    .version(version, '-V, --version')
    .option('--json', 'machine-readable output on stdout (nothing else there)', false)
    .option('--cwd <dir>', 'run as if started in <dir>')
    .option('-q, --quiet', 'print only what matters (errors, failures)', false)
    .option('-v, --verbose', 'print more, and stack traces on internal errors', false)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true }); // every command's --help lists --json, --cwd, -q, -v

  registerCheck(program, runner);
  registerWatch(program, runner);
  registerLogs(program, runner);
  registerManage(program, runner);
  registerCleanup(program, runner);
  registerDoctor(program, runner);
  registerHook(program, runner);
  registerInit(program, runner);
  registerPush(program, runner);
  registerMergeDriver(program, runner);
  registerMonitor(program, runner);
  registerServe(program, runner);
  registerWatcher(program, runner);
  return program;
}

export function globalsOf(command: Command, fallbackCwd: string): GlobalOptions {
  const o = command.optsWithGlobals() as { json?: boolean; cwd?: string; quiet?: boolean; verbose?: boolean };
  return { json: Boolean(o.json), quiet: Boolean(o.quiet), verbose: Boolean(o.verbose), cwd: o.cwd ?? fallbackCwd };
}

export { CommanderError };
