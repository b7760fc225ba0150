// The watcher's entry point beside main.ts: `deploy-watch watcher` (hidden; started detached by
// watcher/handOver.ts) without the command table. It lives for minutes beside every push, so what it loads
// and never uses is memory held all that time: commander and every command's registration, about 2 MB of its
// RSS (bench/watcher.ts). bin/deploy-watch.js calls runFast first; the call with any flag goes to main.ts.
import { reportError } from './errorReport.js';
import { LOADERS } from './loaders.js';
import { createDeps, processIo } from './runtime.js';
import { runWatcherProcess } from './watcher/process.js';

/** Resolves to the watcher's exit code, or null when argv is not exactly the watcher call. */
export async function runFast(argv: readonly string[]): Promise<number | null> {
  if (argv.length !== 1 || argv[0] !== 'watcher') return null;
  const io = processIo();
  let leave = false;
  let exitCode: number;
  try {
    const globals = { json: false, quiet: false, verbose: false, cwd: '.' };
    exitCode = await runWatcherProcess(createDeps(globals, io, LOADERS, () => void (leave = true)));
  } catch (error) {
    exitCode = reportError(error, io.stderr, false);
  }
  // As main.ts: a watcher that was signalled or made way may still have a sleep's timer or a kept-alive
  // socket holding the loop, and must leave before it writes anything more. Logs are written synchronously.
  if (leave) process.exit(exitCode);
  return exitCode;
}
