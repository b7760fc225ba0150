// Finds the repository from any subfolder or worktree with a single git call.
import { UsageError } from '../kernel/errors.js';
import type { Git } from './git.js';
import * as msg from '../kernel/messages.js';

export interface RepoInfo {
  /** The work tree's top folder. */
  topLevel: string;
  /** The git common dir, shared by every worktree of a clone: state lives under it. */
  commonDir: string;
  /** The full sha of HEAD, or null when the branch has no commit yet. */
  head: string | null;
}

export function discoverRepo(git: Git): RepoInfo {
  const base = ['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir'];
  const withHead = git.runSync([...base, 'HEAD'], { allowFailure: true });
  if (withHead.exitCode === 0) {
    const [topLevel, commonDir, head] = withHead.stdout.trim().split('\n');
    if (topLevel && commonDir && head) return { topLevel, commonDir, head };
  }
  const noHead = git.runSync(base, { allowFailure: true });
  if (noHead.exitCode !== 0) throw new UsageError(msg.notARepository(git.cwd));
  const [topLevel, commonDir] = noHead.stdout.trim().split('\n');
  if (!topLevel || !commonDir) throw new UsageError(msg.notARepository(git.cwd));
  return { topLevel, commonDir, head: null };
}
