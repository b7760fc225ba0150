// Messages of `push` and the merge driver.

import { BIN, printable } from './common.js';

export const pushDirty = (files: string[]) =>
  `The work tree has uncommitted changes (${files
    .slice(0, 5)
    .map((f) => printable(f))
    .join(
      ', ',
    )}${files.length > 5 ? ', …' : ''}); nothing was changed. Commit them (git commit -am "…") or stash them (git stash), then run ${BIN} push again.`;
export const pushInProgress = (what: string) =>
  `A ${what} is already in progress; nothing was changed. Finish it (git ${what} --continue) or abandon it (git ${what} --abort), then run ${BIN} push again.`;
export const PUSH_DETACHED = `HEAD is detached (not on a branch); nothing was changed. Check out the branch to push (git switch main), or create one here (git switch -c <name>), then run ${BIN} push again.`;
export const pushNoUpstream = (branch: string, remote: string) =>
  `The branch ${printable(branch)} has no upstream, so there is nowhere to push; nothing was changed. Push it to a branch of its own name (${BIN} push ${printable(remote)} ${printable(branch)}), or publish it once with git push -u ${printable(remote)} ${printable(branch)} and run ${BIN} push from then on.`;
export const PUSH_NO_COMMITS = `Nothing to push yet: this repository has no commit. Make a first commit (git add, then git commit), then run ${BIN} push.`;
export const unknownRemote = (remote: string, known: string[]) =>
  `No remote named "${printable(remote)}" in this repository (${known.length ? `known: ${known.join(', ')}` : 'it has none'}). Give one of those, or add it: git remote add ${printable(remote)} <url>.`;
export const badBranchName = (branch: string) =>
  `"${printable(branch)}" is not a valid branch name. Give one such as main.`;
/** `lists`: the files a merge rule could be right for (notes, lists, changelogs); the rest is code, for a human. */
export const pushConflict = (files: string[], remote: string, branch: string, lists: readonly string[]) =>
  [
    `Conflicts that no merge rule covers, in: ${files.map((f) => printable(f, 200)).join(', ')}.`,
    'The rebase was aborted: your branch, index and work tree are as they were before this command.',
    'To finish by hand:',
    `  git fetch ${remote} ${branch}`,
    `  git rebase ${remote}/${branch}`,
    `  # edit ${files.join(' ')}, then: git add <files> && git rebase --continue`,
    `  ${BIN} push ${remote} ${branch}`,
    ...(lists.length < files.length
      ? ["(Code is resolved by hand, as above: a merge rule keeps both sides' lines, which is never right for code.)"]
      : []),
    ...(lists.length > 0
      ? [
          `(If ${lists.map((f) => printable(f, 200)).join(', ')} ${lists.length === 1 ? 'is a list or log' : 'are lists or logs'} where each line stands alone, add ${lists.length === 1 ? 'it' : 'them'} to conflicts.rules in deploy-watch.config.json to merge ${lists.length === 1 ? 'it' : 'them'} automatically next time.)`,
        ]
      : []),
  ].join('\n');
export const pushRejected = (remote: string, branch: string, reason: string) =>
  `${remote} refused the push to ${branch}: ${reason}. This is not a race, so it was not retried. Your branch is as it was before this command.`;
export const pushGaveUp = (attempts: number, reason: string) =>
  `Gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: the branch kept moving (${reason}). Nothing was lost and your branch is as it was; run ${BIN} push again, or raise conflicts.maxAttempts.`;
export const pushStepFailed = (step: string, detail: string) =>
  `${step} failed: ${printable(detail.trim() || 'no output', 400)}. Your branch is as it was before this command.`;
export const pushNotOnRemote = (remote: string, branch: string) =>
  `git said the push to ${remote}/${branch} succeeded, but after fetching, HEAD is not on it. Check with: git fetch ${remote} && git log ${remote}/${branch}.`;
export const pushed = (remote: string, branch: string, sha: string, attempts: number, resolved: string[]) =>
  `Pushed ${sha.slice(0, 12)} to ${remote}/${branch}${attempts > 1 ? ` after ${attempts} attempts` : ''}.${resolved.length ? ` Merged automatically: ${resolved.join(', ')}.` : ''}`;
export const nothingToPush = (remote: string, branch: string) =>
  `Nothing to push: ${remote}/${branch} already has every local commit.`;
export const pushRetrying = (attempt: number, max: number, reason: string, ms: number) =>
  `Attempt ${attempt}/${max} lost the race (${reason}); trying again in ${(ms / 1000).toFixed(2)}s.`;
export const pushWaiting = (ahead: number) => `waiting: ${ahead} push${ahead === 1 ? '' : 'es'} ahead`;
export const PUSH_INTERRUPTED =
  'Interrupted while waiting for the push queue: the ticket was given back and nothing was changed.';
export const unknownStrategy = (name: string) => `Unknown merge rule "${printable(name)}". Use union or checklist.`;
export const driverUnresolved = (path: string, why: string) =>
  `deploy-watch merge-driver left conflict markers in ${printable(path, 200)}: ${why}. Edit the file, then git add it.`;
