// `deploy-watch check [--json] [--wait <seconds>] [<commit>]` without the command table: agents and scripts
// call it constantly, and commander plus every command's registration is a good part of its start-up.
// bin/deploy-watch.js tries this first for `check`, and it gives every answer of these calls itself (exit
// 0, 1, 2, 3, 78, 64 from a bad --wait, 70), as main.ts would word it. What zod, pino or the watcher's code
// are needed for (a config that changed, starting a monitor for --wait) loads only then. Any other flag
// (--all, --help, --quiet, a misspelt one) and the team store go to main.ts, the way commander parses them.
import { runCheckCall } from './commands/check/index.js';
import { reportError } from './errorReport.js';
import { parseNonNegative } from './kernel/parse.js';
import { LOADERS } from './loaders.js';
import { createDeps, processIo } from './runtime.js';

export interface FastCheck {
  json: boolean;
  commit?: string;
  /** As given; parsed (and refused) where main.ts's check parses it, after the command line. */
  wait?: string;
}

/** The call, when this entry takes it; null when main.ts does. */
export function parseFastCheck(argv: readonly string[]): FastCheck | null {
  if (argv[0] !== 'check') return null;
  const call: FastCheck = { json: false };
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json' && !call.json) call.json = true;
    else if (arg === '--wait' && call.wait === undefined && i + 1 < argv.length) call.wait = argv[++i]!;
    else if (arg.startsWith('--wait=') && call.wait === undefined) call.wait = arg.slice('--wait='.length);
    else if (!arg.startsWith('-') && call.commit === undefined) call.commit = arg;
    else return null;
  }
  return call;
}

/** Resolves to check's exit code, or null when main.ts should take the call. */
export async function runFast(argv: readonly string[]): Promise<number | null> {
  // The team store reads its schema and project from the config and may fall back to this machine's
  // records with a warning: main.ts answers.
  const call = parseFastCheck(argv);
  if (!call) return null;
  const io = processIo();
  try {
    const deps = createDeps({ json: call.json, quiet: false, verbose: false, cwd: '.' }, io, LOADERS);
    if (deps.team()) return null;
    const wait = call.wait === undefined ? undefined : parseNonNegative('--wait', call.wait, 86_400);
    return await runCheckCall({ commit: call.commit, wait }, deps);
  } catch (error) {
    return reportError(error, io.stderr, false);
  }
}
