// Rebases the local commits onto the fetched upstream, resolving conflicts in files a rule covers
// and continuing; any other conflict (or any failure) aborts the rebase before returning.
// Never `-X ours/theirs` (both drop lines during a rebase) and never autostash.
import { existsSync } from 'node:fs';
import type { Git, GitResult } from '../git/git.js';
import { resolveFile } from './merge/resolveFile.js';
import { strategyFor, type MergeRule } from './merge/rules.js';
import { listUnmerged } from './unmerged.js';

export type RebaseResult =
  | { kind: 'rebased'; commits: number; resolved: string[] }
  /** Aborted: these files need a human. */
  | { kind: 'conflict'; files: string[]; resolved: string[] }
  /** Aborted: the rebase stopped for another reason (git's words). */
  | { kind: 'failed'; reason: string };

const NO_EDITOR = { GIT_EDITOR: 'true', GIT_SEQUENCE_EDITOR: 'true' };

export async function rebaseOnto(
  git: Git,
  topLevel: string,
  upstream: string,
  rules: readonly MergeRule[],
): Promise<RebaseResult> {
  const commits = Number((await git.run(['rev-list', '--count', `${upstream}..HEAD`])).stdout.trim());
  const resolved = new Set<string>();
  const rebaseDirs = await git.run([
    'rev-parse',
    '--path-format=absolute',
    '--git-path',
    'rebase-merge',
    '--git-path',
    'rebase-apply',
  ]);
  const inRebase = () => rebaseDirs.stdout.split('\n').some((p) => p !== '' && existsSync(p));
  try {
    let step: GitResult = await git.run(
      ['-c', 'rebase.updateRefs=false', 'rebase', '--no-autostash', '--no-autosquash', upstream],
      { allowFailure: true, env: NO_EDITOR },
    );
    // Each round replays at least one commit, so this ends; the bound guards against a loop.
    for (let round = 0; round <= commits + 1 && inRebase(); round++) {
      const unmerged = await listUnmerged(git);
      if (unmerged.length === 0) return await abort(git, { kind: 'failed', reason: step.stderr || step.stdout });
      const human = unmerged.filter((u) => !strategyFor(u.path, rules)).map((u) => u.path);
      if (human.length > 0) return await abort(git, { kind: 'conflict', files: human, resolved: [...resolved] });
      for (const item of unmerged) {
        const why = await resolveFile(git, topLevel, item, strategyFor(item.path, rules)!);
        if (why)
          return await abort(git, { kind: 'conflict', files: [`${item.path} (${why})`], resolved: [...resolved] });
        resolved.add(item.path);
      }
      step = await git.run(['rebase', '--continue'], { allowFailure: true, env: NO_EDITOR });
    }
    if (inRebase()) return await abort(git, { kind: 'failed', reason: 'the rebase did not finish' });
    if (step.exitCode !== 0) return { kind: 'failed', reason: step.stderr || step.stdout };
    // Trust no exit code alone (an autostash reapply can conflict and still exit 0).
    const left = await listUnmerged(git);
    if (left.length > 0) return { kind: 'conflict', files: left.map((u) => u.path), resolved: [...resolved] };
    return { kind: 'rebased', commits, resolved: [...resolved] };
  } finally {
    // An exception half-way (a git error, a write error) must not leave a rebase behind.
    if (inRebase()) await git.run(['rebase', '--abort'], { allowFailure: true });
  }
}

async function abort<T extends RebaseResult>(git: Git, result: T): Promise<T> {
  await git.run(['rebase', '--abort'], { allowFailure: true });
  return result;
}
