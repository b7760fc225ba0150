// Reads `git push --porcelain` (stdout, one line per ref: flag, from:to, summary) instead of the
// human hints, whose wording changes between git versions.

export type PushOutcome =
  | { kind: 'pushed'; summary: string }
  /** Lost a race: integrate and try again. */
  | { kind: 'race'; reason: string; answerLost?: boolean }
  /** Refused for good (hook, protected branch, auth, network): reported with git's reason. */
  | { kind: 'rejected'; reason: string; answerLost?: boolean };

const RACE_REJECTED = /^\[rejected\]\s+\((fetch first|non-fast-forward)\)/;
const RACE_REMOTE = /cannot lock ref|failed to lock|unable to lock|incorrect old value|failed to update ref/i;

export function classifyPush(stdout: string, stderr: string, branch: string): PushOutcome {
  const line = stdout
    .split('\n')
    .find((l) => /^[ +\-*=!]\t/.test(l) && l.split('\t')[1]?.endsWith(`:refs/heads/${branch}`));
  // No line for our ref: the connection ended before the remote answered, so it may have landed.
  if (!line) return { kind: 'rejected', reason: gitReason(stderr), answerLost: true };
  const [flag, , summary = ''] = line.split('\t');
  if (flag !== '!') return { kind: 'pushed', summary };
  if (RACE_REJECTED.test(summary)) return { kind: 'race', reason: summary };
  // The remote did not report on the ref: it may have been updated all the same.
  if (summary.startsWith('[remote failure]')) return { kind: 'race', reason: summary, answerLost: true };
  if (summary.startsWith('[remote rejected]') && RACE_REMOTE.test(summary)) return { kind: 'race', reason: summary };
  const remoteSaid = stderr
    .split('\n')
    .filter((l) => l.startsWith('remote: '))
    .map((l) => l.slice(8).trim())
    .filter(Boolean);
  return { kind: 'rejected', reason: [summary, ...remoteSaid].join('; ') };
}

/** The lines of stderr that say what went wrong (fatal/error/remote), without hints. */
function gitReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(fatal|error|remote):/.test(l));
  return (
    (lines.length ? lines : stderr.split('\n').filter((l) => l.trim() && !l.startsWith('hint:'))).join('; ') ||
    'git push failed without a reason'
  );
}
