// `deploy-watch check [--json] [<commit>]` without the command table: agents and scripts call it
// constantly, and commander plus every command's registration is a good part of its start-up.
// bin/deploy-watch.js tries this first for `check`; any other flag, or any error, goes to main.ts, which
// answers the same call the usual way (check only reads, so running it again is safe).
import { runCheck } from './commands/check/index.js';
import { InternalError } from './kernel/errors.js';
import { createDeps, processIo, type Loaders } from './runtime.js';

/** A plain check reads neither; were that to change, main.ts answers (see the catch below). */
const NOT_HERE: Loaders = {
  config: () => Promise.reject(new InternalError("check's entry point does not load the config")),
  log: () => Promise.reject(new InternalError("check's entry point does not load the logger")),
};

/** Resolves to check's exit code, or null when main.ts should take the call. */
export async function runFast(argv: readonly string[]): Promise<number | null> {
  if (argv[0] !== 'check') return null;
  let json = false;
  let commit: string | undefined;
  for (const arg of argv.slice(1)) {
    if (arg === '--json' && !json) json = true;
    else if (!arg.startsWith('-') && commit === undefined) commit = arg;
    else return null;
  }
  const deps = createDeps({ json, quiet: false, verbose: false, cwd: '.' }, processIo(), NOT_HERE);
  // The team store needs the config (its schema and project): main.ts answers.
  if (deps.team()) return null;
  try {
    return await runCheck({ commit }, deps);
  } catch {
    // any error: main.ts answers the same call the usual way (check only reads)
    return null;
  }
}
