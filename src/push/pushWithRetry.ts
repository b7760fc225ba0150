// The push loop: fetch, rebase onto the remote branch (resolving rule-covered conflicts), push
// with --porcelain, and on a lost race wait (exponential backoff, full jitter) and go again.
// Never --force. Any failure puts the branch back where it started.
import type { Git } from '../git/git.js';
import { isAncestor, remoteBranchSha } from '../git/queries.js';
import { backoffDelay } from './backoff.js';
import type { PushTarget } from './preconditions.js';
import { classifyPush } from './pushResult.js';
import { rebaseOnto } from './rebase.js';
import type { MergeRule } from './merge/rules.js';

export interface RetryPolicy {
  maxAttempts: number;
  backoffBase: number;
  backoffCap: number;
  rules: readonly MergeRule[];
}

export interface PushEnv {
  git: Git;
  topLevel: string;
  sleep(ms: number): Promise<void>;
  random(): number;
  /** Called once git has accepted the push, before the check that it landed (the queue's turn can end here). */
  onAccepted?(): Promise<void>;
  /** Told about each lost race before the wait. */
  onRetry?(attempt: number, reason: string, delayMs: number): void;
}

export interface AttemptLog {
  attempt: number;
  result: 'pushed' | 'up-to-date' | 'race' | 'rejected' | 'conflict' | 'failed';
  reason?: string;
  delayMs?: number;
}

export type PushReport = {
  outcome: 'pushed' | 'up-to-date' | 'rejected' | 'conflict' | 'failed' | 'gave-up' | 'not-on-remote';
  attempts: AttemptLog[];
  rebases: number;
  rebasedCommits: number;
  autoResolved: string[];
  remoteSha: string | null;
  /** Conflicted files (conflict) or git's reason (rejected, failed, gave-up). */
  files: string[];
  reason: string | null;
};

export async function pushWithRetry(target: PushTarget, policy: RetryPolicy, env: PushEnv): Promise<PushReport> {
  const start = (await env.git.run(['rev-parse', 'HEAD'])).stdout.trim();
  try {
    return await attempts(target, policy, env, start);
  } catch (error) {
    // A git call that failed unexpectedly: the rebase was already aborted; put the branch back too.
    await env.git.run(['reset', '-q', '--keep', start], { allowFailure: true });
    throw error;
  }
}

async function attempts(target: PushTarget, policy: RetryPolicy, env: PushEnv, start: string): Promise<PushReport> {
  const { git } = env;
  const upstream = `refs/remotes/${target.remote}/${target.branch}`;
  const report: PushReport = {
    outcome: 'gave-up',
    attempts: [],
    rebases: 0,
    rebasedCommits: 0,
    autoResolved: [],
    remoteSha: null,
    files: [],
    reason: null,
  };
  const resolved = new Set<string>();
  const finish = async (outcome: PushReport['outcome'], extra: Partial<PushReport> = {}) => {
    Object.assign(report, { outcome, autoResolved: [...resolved] }, extra);
    // Back to where the command started (clean tree, so --keep cannot lose anything).
    if (outcome !== 'pushed' && outcome !== 'up-to-date' && outcome !== 'not-on-remote')
      await git.run(['reset', '-q', '--keep', start], { allowFailure: true });
    return report;
  };
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const log = (entry: Omit<AttemptLog, 'attempt'>) => report.attempts.push({ attempt, ...entry });
    const fetched = await fetchUpstream(git, target, upstream);
    if (fetched.error) {
      log({ result: 'failed', reason: fetched.error });
      return finish('failed', { reason: `git fetch ${target.remote} ${target.branch}: ${fetched.error}` });
    }
    if (fetched.exists && !(await isAncestor(git, upstream, 'HEAD'))) {
      const rebased = await rebaseOnto(git, env.topLevel, upstream, policy.rules);
      if (rebased.kind === 'conflict') {
        rebased.resolved.forEach((f) => resolved.add(f));
        log({ result: 'conflict', reason: rebased.files.join(', ') });
        return finish('conflict', { files: rebased.files });
      }
      if (rebased.kind === 'failed') {
        log({ result: 'failed', reason: rebased.reason });
        return finish('failed', { reason: `git rebase ${target.remote}/${target.branch}: ${rebased.reason}` });
      }
      rebased.resolved.forEach((f) => resolved.add(f));
      report.rebases++;
      report.rebasedCommits = rebased.commits;
    }
    if (fetched.exists && (await isAncestor(git, 'HEAD', upstream))) {
      log({ result: 'up-to-date' });
      return finish('up-to-date', { remoteSha: (await git.run(['rev-parse', upstream])).stdout.trim() });
    }
    const push = await git.run(['push', '--porcelain', target.remote, `HEAD:refs/heads/${target.branch}`], {
      allowFailure: true,
    });
    const outcome = classifyPush(push.stdout, push.stderr, target.branch);
    // An answer lost on the way back is checked with the remote, never guessed (or pushed twice).
    const landed = outcome.kind !== 'pushed' && outcome.answerLost && (await remoteHasHead(git, target));
    if (outcome.kind === 'pushed' || landed) {
      log(
        landed
          ? { result: 'pushed', reason: `answer lost (${outcome.reason}); ls-remote shows the push landed` }
          : { result: 'pushed' },
      );
      await env.onAccepted?.();
      return verify(git, target, upstream, finish);
    }
    if (outcome.kind === 'rejected') {
      log({ result: 'rejected', reason: outcome.reason });
      return finish('rejected', { reason: outcome.reason });
    }
    report.reason = outcome.reason;
    if (attempt === policy.maxAttempts) {
      log({ result: 'race', reason: outcome.reason });
      break;
    }
    const delayMs = backoffDelay(attempt, policy.backoffBase, policy.backoffCap, env.random);
    log({ result: 'race', reason: outcome.reason, delayMs });
    env.onRetry?.(attempt, outcome.reason, delayMs);
    await env.sleep(delayMs);
  }
  return finish('gave-up', { reason: report.reason });
}

async function fetchUpstream(
  git: Git,
  target: PushTarget,
  upstream: string,
): Promise<{ exists: boolean; error?: string }> {
  const refspec = `+refs/heads/${target.branch}:${upstream}`;
  const r = await git.run(['fetch', '--quiet', '--no-tags', target.remote, refspec], { allowFailure: true });
  if (r.exitCode === 0) return { exists: true };
  if (/couldn't find remote ref/i.test(r.stderr)) return { exists: false };
  return { exists: false, error: r.stderr.trim() || `exit ${r.exitCode}` };
}

/** Asks the remote (ls-remote: network) whether its branch now points at our HEAD. */
async function remoteHasHead(git: Git, target: PushTarget): Promise<boolean> {
  const [remote, head] = await Promise.all([
    remoteBranchSha(git, target.remote, target.branch),
    git.run(['rev-parse', 'HEAD']),
  ]);
  return remote !== null && remote === head.stdout.trim();
}

/** After git says yes: fetch again and check that every local commit really is on the remote. */
async function verify(
  git: Git,
  target: PushTarget,
  upstream: string,
  finish: (o: PushReport['outcome'], e?: Partial<PushReport>) => Promise<PushReport>,
) {
  const fetched = await fetchUpstream(git, target, upstream);
  if (fetched.exists && (await isAncestor(git, 'HEAD', upstream))) {
    return finish('pushed', { remoteSha: (await git.run(['rev-parse', 'HEAD'])).stdout.trim() });
  }
  return finish('not-on-remote', { reason: fetched.error ?? null });
}
