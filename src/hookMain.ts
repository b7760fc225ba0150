// The pre-push hook's entry point beside main.ts: `deploy-watch hook pre-push <remote> <url>` without
// loading the command table (commander and every command's registration cost ~30 ms, a bare Node start
// ~50 ms). bin/deploy-watch.js calls runFast first; anything else (flags, --help) goes to main.ts.
// The shell hook skips even this for a deploy-branch push whose cache is current (hooks/hookCache.ts).
import { runPrePush } from './commands/hook/index.js';
import { binPath } from './kernel/packageRoot.js';
import { readStdin } from './hooks/stdin.js';
import { createHookDeps } from './runtime.js';

/** Resolves to the hook's exit code, or null when argv is not exactly the pre-push hook call. */
export async function runFast(argv: readonly string[], bin = binPath()): Promise<number | null> {
  if (argv.length !== 4 || argv[0] !== 'hook' || argv[1] !== 'pre-push' || argv.some((a) => a.startsWith('-')))
    return null;
  return runPrePush({ remote: argv[2]!, url: argv[3]!, input: await readStdin() }, createHookDeps(bin));
}
