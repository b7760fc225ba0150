// Messages of the pre-push hook and `init`.

import { BIN, printable, RUN } from './common.js';

export const hookSkippedProblem = (problem: string) =>
  `${BIN}: ${problem}; the push goes on without branch checks or a monitor. Run ${BIN} doctor to fix it.`;
export const branchRefused = (
  branch: string,
  pattern: string,
  localBranch: string | null,
  remote: string,
  suggestion: string | null,
) => {
  const to = suggestion ?? '<new-name>';
  const fix =
    localBranch === branch
      ? `git branch -m ${branch} ${to} && git push -u ${remote} ${to}`
      : `git push ${remote} ${localBranch ?? '<commit>'}:${to}`;
  return `${BIN}: push refused: branch "${printable(branch)}" does not match the branch-name pattern ${pattern} ("branchPattern" in deploy-watch.config.json). Rename it: ${fix}`;
};
export const behindUpstream = (branch: string, upstream: string, count: number) =>
  `${BIN}: warning: ${branch} is ${count} commit${count === 1 ? '' : 's'} behind ${upstream} (as last fetched); the push goes on. To catch up: git pull --rebase (or ${BIN} push).`;
export const willWatch = (short: string) =>
  `${BIN}: will watch the deployment of ${short} once the push is accepted (${RUN} check ${short} --wait 600).`;
export const patternTooSlow = (pattern: string, branch: string, ms: number) =>
  `${BIN}: "branchPattern" ${printable(pattern)} ran over ${ms} ms on the branch name "${printable(branch)}" and was stopped: it backtracks catastrophically (a repeated group that can match the same text in many ways, such as (a+)+, doubles its work with each character). The push goes on without branch checks or a monitor. Rewrite the pattern without a quantifier inside a quantified group, for example ^(a+)+$ as ^a+$.`;
export const hookFailed = (detail: string) =>
  `${BIN}: the pre-push check failed (${detail}); the push goes on without a monitor. Start one later with: ${BIN} check --wait 600.`;
export const initFileLine = (
  path: string,
  action: 'create' | 'update' | 'unchanged',
  what: string,
  dryRun: boolean,
) => {
  const verb = {
    create: dryRun ? 'would create' : 'created',
    update: dryRun ? 'would update' : 'updated',
    unchanged: 'unchanged',
  }[action];
  return `${verb.padEnd(12)} ${path}${what ? ` (${what})` : ''}`;
};
export const initHusky = (state: 'activated' | 'would-activate' | 'not-installed') =>
  state === 'activated'
    ? 'Hooks active: git runs .husky/pre-push through husky (core.hooksPath .husky/_).'
    : state === 'would-activate'
      ? 'Would run husky to activate the hooks (core.hooksPath .husky/_).'
      : 'Hooks not active yet: run npm install (its prepare script runs husky), then push as usual.';
export const initInstallSelf = (root: string) =>
  `package.json does not list deploy-watch, and this copy (${root}) was not installed from a package, so init cannot say where it comes from. Add it, or the hook finds no deploy-watch after a fresh clone: npm install --save-dev <its git URL or tarball> (see the README's Install section).`;
export const INIT_ADD_SOURCE =
  'Next: add a source to deploy-watch.config.json (digitalocean.appId, database, or health.url for an endpoint that reports the commit it serves) and put tokens in ~/.config/deploy-watch/env, not in the file. See the README, "Install into a repository".';
export const initWorktrees = (tops: readonly string[], dryRun: boolean) =>
  `${dryRun ? 'Would copy' : 'Copied'} husky's runner (.husky/_) into ${tops.length === 1 ? 'the worktree' : `${tops.length} worktrees`} ${tops.map((t) => printable(t, 200)).join(', ')}: git runs the hooks there now.`;
export const initMergeDrivers = (dryRun: boolean) =>
  `${dryRun ? 'Would set' : 'Set'} the merge drivers deploy-watch-union and deploy-watch-checklist in .git/config (each clone runs init once, or deploy-watch push resolves those files itself).`;

/** `hook watch` is the pre-push hook's own call: it passes the full commit id git gave it, nothing else. */
export const postPushShaInvalid = (given: string) =>
  `hook watch takes the full commit id the pre-push hook passes (40 or 64 hex digits); got ${JSON.stringify(given)}. To follow a commit yourself: deploy-watch monitor <commit> --detach.`;
