// What the push needs to know about the repository before it touches anything. Read-only:
// `--no-optional-locks` keeps `git status` from rewriting the index's stat cache.
import { existsSync } from 'node:fs';
import type { Git } from '../git/git.js';

export interface RepoState {
  /** The checked-out branch, or null on a detached HEAD. */
  branch: string | null;
  /** Tracked files with changes, staged or not. */
  dirty: string[];
  /** '' before the first commit (an unborn branch). */
  head: string;
  /** rebase, merge, cherry-pick or revert when one is in progress. */
  inProgress: string | null;
  remotes: string[];
  upstream: { remote: string; branch: string } | null;
}

const IN_PROGRESS: Array<[string, string]> = [
  ['rebase-merge', 'rebase'],
  ['rebase-apply', 'rebase'],
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
];

export async function readRepoState(git: Git): Promise<RepoState> {
  const paths = await git.run([
    'rev-parse',
    '--path-format=absolute',
    ...IN_PROGRESS.flatMap(([p]) => ['--git-path', p]),
  ]);
  const found = paths.stdout.split('\n').findIndex((p) => p !== '' && existsSync(p));
  const symbolic = await git.run(['symbolic-ref', '-q', '--short', 'HEAD'], { allowFailure: true });
  const branch = symbolic.exitCode === 0 ? symbolic.stdout.trim() : null;
  const head = (await git.run(['rev-parse', '-q', '--verify', 'HEAD'], { allowFailure: true })).stdout.trim();
  const status = await git.run(['--no-optional-locks', 'status', '--porcelain', '-z', '--untracked-files=no']);
  const dirty = status.stdout
    .split('\0')
    .filter(Boolean)
    .map((entry) => entry.slice(3));
  const remotes = (await git.run(['remote'])).stdout.split('\n').filter(Boolean);
  return {
    branch,
    head,
    dirty,
    inProgress: found >= 0 ? IN_PROGRESS[found]![1] : null,
    remotes,
    upstream: branch ? await upstreamOf(git, branch) : null,
  };
}

async function upstreamOf(git: Git, branch: string): Promise<RepoState['upstream']> {
  const remote = (await git.run(['config', `branch.${branch}.remote`], { allowFailure: true })).stdout.trim();
  const merge = (await git.run(['config', `branch.${branch}.merge`], { allowFailure: true })).stdout.trim();
  if (!remote || remote === '.' || !merge.startsWith('refs/heads/')) return null;
  return { remote, branch: merge.slice('refs/heads/'.length) };
}
