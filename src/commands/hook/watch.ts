// `deploy-watch hook watch <sha> …` (hidden): the detached post-push watcher the pre-push hook starts.
// It keeps no state of its own; once the push is accepted it starts `deploy-watch monitor <sha> --detach`
// through startMonitorOnce, so one monitor runs per commit however many pushes asked for it.
import type { Deps } from '../../core/deps.js';
import { liveness } from '../../core/pidFile.js';
import { awaitPushResult, type Verdict, type WatchEnv, type WatchRequest } from '../../hooks/pushWatcher.js';
import { startedAtMs } from '../../hooks/processTree.js';
import { startMonitorOnce } from '../../hooks/startMonitorOnce.js';

export const DEFAULT_PUSH_TIMEOUT_S = 600;

export async function runWatch(given: WatchRequest, timeoutSeconds: number, deps: Deps): Promise<number> {
  // The shell-only hook passes no --since (a `date` would cost the push a process): the push's own start
  // is an as good lower bound for its tracking-ref update, and later than any earlier push's.
  const req = { ...given, since: given.since ?? startedAtMs(given.push?.startTime ?? null) };
  const verdict = await awaitPushResult(req, watchEnv(deps), timeoutSeconds * 1000);
  const start = verdict === 'accepted' && (await startMonitorOnce(deps, req));
  await note(deps, req, verdict, start);
  return 0;
}

export function watchEnv(deps: Deps): WatchEnv {
  const git = deps.git();
  return {
    now: deps.now,
    sleep: deps.sleep,
    isRunning: (p) => liveness({ pid: p.pid, startTime: p.startTime, sha: '', startedAt: '' }) === 'alive',
    async trackingSha(remote, branch) {
      const r = await git.run(['rev-parse', '--verify', '--quiet', `refs/remotes/${remote}/${branch}^{commit}`], { allowFailure: true });
      return r.exitCode === 0 ? r.stdout.trim() || null : null;
    },
    async lastTrackingUpdate(remote, branch) {
      const r = await git.run(['log', '-g', '-1', '--format=%H%x09%gs%x09%gd', '--date=unix', `refs/remotes/${remote}/${branch}`], { allowFailure: true });
      const [sha, subject, selector] = r.stdout.trim().split('\t');
      const at = /@\{(\d+)\}$/.exec(selector ?? '');
      return r.exitCode === 0 && sha && subject !== undefined && at ? { sha, subject, at: Number(at[1]) * 1000 } : null;
    },
    async remoteSha(remoteOrUrl, branch) {
      const r = await git.run(['ls-remote', '--', remoteOrUrl, `refs/heads/${branch}`], { allowFailure: true });
      if (r.exitCode !== 0) return null;
      const line = r.stdout.split('\n').find((l) => l.endsWith(`\trefs/heads/${branch}`));
      return line ? line.split('\t')[0]! : null;
    },
  };
}

/** One line in the tool's log, so `deploy-watch` users can see why no monitor started. Best effort. */
async function note(deps: Deps, req: WatchRequest, verdict: Verdict, started: boolean): Promise<void> {
  try {
    const logger = await deps.logger();
    logger.info({ sha: req.sha, branch: req.branch, remote: req.remote, verdict, started }, `post-push watcher: ${verdict}${started ? ', monitor started' : ''}`);
  } catch {
    /* no log is no reason to fail */
  }
}
