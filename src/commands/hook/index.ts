// `deploy-watch hook pre-push <remote> <url>`: what .husky/pre-push calls. Fast (no zod, pino or
// network; no git call for a push of the deploy branch alone), and it never blocks a push except for a
// refused branch name.
import type { Deps } from '../../deps.js';
import * as msg from '../../kernel/messages.js';
import { isPushUrlOf, refFacts } from '../../git/queries.js';
import {
  HOOK_ENV_OVERRIDES,
  refreshHookCache,
  SHA_MARK,
  type SourceStamp,
  stampConfigSource,
} from '../../hooks/hookCache.js';
import { readHookConfig, type HookConfig } from '../../hooks/hookConfig.js';
import { REFUSED } from '../../hooks/huskyHook.js';
import { PatternTooSlow } from '../../hooks/boundedPattern.js';
import { planPrePush } from '../../hooks/prePush.js';
import { shellPattern } from '../../hooks/shellPattern.js';
import { findPushProcess, type ProcessRef } from '../../hooks/processTree.js';
import { parseRefLines } from '../../hooks/refLines.js';
import { startPostPush } from '../../hooks/startPostPush.js';
import { hookStateDir, type Readiness, watchReadiness } from '../../hooks/watchReadiness.js';
import { markPushing } from '../../store/files/pushMarks.js';

export interface PrePushOptions {
  remote: string;
  url: string;
  /** git's ref lines, as read from stdin. */
  input: string;
}

export { REFUSED };

/** Only what the hook uses, so the hook's entry point (hookMain.ts) can build it without main.ts. */
export type HookDeps = Pick<Deps, 'env' | 'globals' | 'stderr' | 'git' | 'spawnDetached' | 'now'>;

export function hooksDisabled(env: NodeJS.ProcessEnv): boolean {
  return env.DEPLOY_WATCH === '0' || env.HUSKY === '0';
}

export interface HookRuntime {
  findPush(ppid: number): ProcessRef | null;
  /** The post-push step's PID; null when it could not start. */
  startPostPush(args: readonly string[], push: ProcessRef | null, deps: HookDeps): number | null;
}

/** The real process tree and spawns; the bin is the one this process runs as (argv[1]). */
export const REAL_RUNTIME: HookRuntime = {
  findPush: findPushProcess,
  startPostPush: (args, push, deps) =>
    startPostPush(args, push, {
      cwd: deps.git().cwd,
      env: deps.env,
      bin: process.argv[1] ?? '',
      spawnDetached: (a) => deps.spawnDetached(a),
    }),
};

export async function runPrePush(
  options: PrePushOptions,
  deps: HookDeps,
  runtime: HookRuntime = REAL_RUNTIME,
): Promise<number> {
  if (hooksDisabled(deps.env)) return 0;
  const say = (line: string) => deps.stderr.write(`${line}\n`);
  try {
    const git = deps.git();
    const stamp = stampConfigSource(git.cwd);
    const config = readHookConfig(git.cwd, deps.env);
    if (config.problem) {
      updateCache(git.cwd, stamp, config, null, deps.env);
      say(msg.hookSkippedProblem(config.problem));
      return 0;
    }
    const urlPush = options.remote === options.url && options.remote !== config.remote;
    const applies =
      options.remote === config.remote || (urlPush && (await isPushUrlOf(git, config.remote, options.url)));
    const plan = planPrePush(parseRefLines(options.input), config, applies);
    if (plan.refusals.length > 0) {
      for (const r of plan.refusals)
        say(msg.branchRefused(r.branch, config.branchPattern, r.localBranch, config.remote, r.suggestion));
      return REFUSED;
    }
    const facts = await refFacts(git, plan.behindChecks);
    for (const ref of plan.behindChecks) {
      const fact = facts.get(ref);
      if (fact && fact.behind > 0) say(msg.behindUpstream(ref.slice('refs/heads/'.length), fact.upstream, fact.behind));
    }
    if (plan.watch) {
      const push = runtime.findPush(process.ppid);
      const step = runtime.startPostPush(
        [
          'hook',
          'watch',
          plan.watch.sha,
          '--branch',
          plan.watch.branch,
          '--remote',
          config.remote,
          ...(urlPush ? ['--url', options.url] : []),
          ...(push ? ['--pid', String(push.pid), '--start', push.startTime ?? ''] : []),
          '--since',
          String(deps.now()),
        ],
        push,
        deps,
      );
      // Until the step hands the commit over, `check` finds it by this mark (store/files/pushMarks.ts).
      const found = hookStateDir(git.cwd, deps.env);
      const stateDir = deps.env.DEPLOY_WATCH_STATE_DIR || found;
      if (step !== null && stateDir) markPushing(stateDir, plan.watch.sha, step);
      // The hand-over records a start failure either way; this line says it at push time.
      const short = plan.watch.sha.slice(0, 7);
      // A check that fails itself does not stop the push; the shell path then gets no cache to take over with.
      const ready = await watchReadiness(git.cwd, deps.env, found).catch(
        (): Readiness => ({ ok: true, stateDir: null, need: [] }),
      );
      // The shell path skips most of this check, so it may take over only from a config that passed it.
      updateCache(git.cwd, stamp, config, ready.ok ? ready : null, deps.env);
      if (!ready.ok) say(ready.line(short));
      else if (!deps.globals.quiet) say(msg.willWatch(short));
    }
    return 0;
  } catch (error) {
    if (error instanceof PatternTooSlow) {
      say(msg.patternTooSlow(error.pattern, error.input, error.budgetMs));
      return 0;
    }
    say(msg.hookFailed((error as Error).message.split('\n')[0] ?? 'unknown error'));
    return 0;
  }
}

/**
 * Keeps the shell's cache (hooks/hookCache.ts) in step with the config: written only when a deploy-branch
 * push found the whole config ready to watch, removed while it has a problem, left alone while the
 * environment overrides what the cache holds (HOOK_ENV_OVERRIDES). Never fails the hook.
 */
function updateCache(
  top: string,
  stamp: SourceStamp | null,
  config: HookConfig,
  ready: { stateDir: string | null; need: string[] } | null,
  env: NodeJS.ProcessEnv,
): void {
  if (HOOK_ENV_OVERRIDES.some((name) => env[name])) return;
  try {
    const values = ready?.stateDir && {
      remote: config.remote,
      branch: config.branch,
      node: process.execPath,
      bin: process.argv[1] ?? '',
      message: msg.willWatch(SHA_MARK),
      state: ready.stateDir,
      need: ready.need.join(' '),
      ere: shellPattern(config.branchPattern),
    };
    refreshHookCache(top, stamp, config.problem || !values ? null : values);
  } catch {
    /* no cache: the next push takes this path again */
  }
}
