// What `deploy-watch push` prints: a --json object (a contract) or a few human lines.
import type { Deps } from '../../deps.js';
import type { PushTarget } from '../../push/preconditions.js';
import type { PushReport } from '../../push/pushWithRetry.js';
import { isLineMergeable } from '../../push/merge/lineMergeable.js';
import { exitCodeOf } from '../../push/pushExitCode.js';
import * as msg from '../../kernel/messages.js';

/** attempts, rebased commits, files auto-resolved, final remote sha, and each attempt's result. */
/** `queue`: how long the push waited for its turn and how many were ahead; null with --no-queue. */
export function renderJson(
  target: PushTarget,
  report: PushReport,
  queue: { waitedMs: number; ahead: number } | null = null,
): string {
  return JSON.stringify({
    outcome: report.outcome,
    exitCode: exitCodeOf(report),
    remote: target.remote,
    branch: target.branch,
    attempts: report.attempts.length,
    rebases: report.rebases,
    rebasedCommits: report.rebasedCommits,
    autoResolved: report.autoResolved,
    remoteSha: report.remoteSha,
    conflictFiles: report.files,
    reason: report.reason,
    log: report.attempts,
    queue,
  });
}

export function renderHuman(target: PushTarget, report: PushReport, deps: Deps): void {
  const { remote, branch } = target;
  const n = report.attempts.length;
  const say = (text: string) => deps.stdout.write(`${text}\n`);
  const fail = (text: string) => deps.stderr.write(`deploy-watch: ${text}\n`);
  switch (report.outcome) {
    case 'pushed':
      if (!deps.globals.quiet) say(msg.pushed(remote, branch, report.remoteSha ?? '', n, report.autoResolved));
      return;
    case 'up-to-date':
      if (!deps.globals.quiet) say(msg.nothingToPush(remote, branch));
      return;
    case 'conflict':
      return fail(msg.pushConflict(report.files, remote, branch, report.files.filter(isLineMergeable)));
    case 'rejected':
      return fail(msg.pushRejected(remote, branch, report.reason ?? 'no reason given'));
    case 'gave-up':
      return fail(msg.pushGaveUp(n, report.reason ?? 'rejected'));
    case 'not-on-remote':
      return fail(msg.pushNotOnRemote(remote, branch));
    default: {
      const [step = 'git', ...detail] = (report.reason ?? 'git: failed').split(': ');
      return fail(msg.pushStepFailed(step, detail.join(': ')));
    }
  }
}
