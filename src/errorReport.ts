// How an error becomes the process's exit code and its one line on stderr: shared by main.ts and the fast
// entry points (checkMain.ts), so an answer reads the same whichever entry gave it.
import { DeployWatchError } from './kernel/errors.js';
import { EXIT } from './kernel/exitCodes.js';
import type { Output } from './deps.js';

export function reportError(error: unknown, stderr: Output, verbose: boolean): number {
  if (error instanceof DeployWatchError) {
    if (error.message) stderr.write(`deploy-watch: ${error.message}\n`);
    if (verbose && error.exitCode === EXIT.internal && error.stack) stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const e = error as Error;
  stderr.write(
    `deploy-watch: internal error: ${e?.message ?? String(error)}. Re-run with --verbose for details and report it.\n`,
  );
  if (verbose && e?.stack) stderr.write(`${e.stack}\n`);
  return EXIT.internal;
}
