// `deploy-watch push [remote] [branch]` (alias resolve-conflicts): refuse what is unsafe before
// touching anything, then push with conflict handling and retry (src/conflicts).
import type { Deps } from '../../core/deps.js';
import { createGit } from '../../core/git.js';
import { checkPreconditions } from '../../conflicts/preconditions.js';
import { pushWithRetry } from '../../conflicts/pushWithRetry.js';
import { readRepoState } from '../../conflicts/repoState.js';
import * as msg from '../../core/messages.js';
import { exitCodeOf } from '../../conflicts/pushExitCode.js';
import { renderHuman, renderJson } from './render.js';

export interface PushOptions {
  remote?: string;
  branch?: string;
}

export async function runPush(options: PushOptions, deps: Deps, random: () => number = Math.random): Promise<number> {
  // Bound to the top folder: `ls-files -u` and friends print paths relative to (and only under) cwd.
  const topLevel = deps.repo().topLevel;
  const git = createGit(topLevel, deps.env);
  const pre = checkPreconditions(await readRepoState(git), options);
  if (!pre.ok) {
    if (deps.globals.json) deps.stdout.write(`${JSON.stringify({ outcome: 'refused', exitCode: pre.exitCode, message: pre.message })}\n`);
    deps.stderr.write(`deploy-watch: ${pre.message}\n`);
    return pre.exitCode;
  }
  const { conflicts } = await deps.config();
  const report = await pushWithRetry(pre.target, conflicts, {
    git,
    topLevel,
    sleep: deps.sleep,
    random,
    onRetry: (attempt, reason, ms) => {
      if (!deps.globals.quiet && !deps.globals.json) deps.stderr.write(`${msg.pushRetrying(attempt, conflicts.maxAttempts, reason, ms)}\n`);
    },
  });
  if (deps.globals.json) deps.stdout.write(`${renderJson(pre.target, report)}\n`);
  else renderHuman(pre.target, report, deps);
  return exitCodeOf(report);
}
