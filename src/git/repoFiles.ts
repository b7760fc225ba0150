// The repository's top, common dir and HEAD read straight from the files under .git, for the commands
// that run constantly (check): a `git rev-parse` costs a process start. Only the plain layouts are read
// (a .git folder, or a .git file of a worktree or submodule; loose or packed refs); anything else
// (GIT_* variables, reftable, a repository owned by someone else, a symbolic ref chain) returns null
// and discoverRepo asks git.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { RepoInfo } from './repo.js';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const GIT_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_COMMON_DIR',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
  'GIT_INDEX_FILE',
];

export function readRepoFromFiles(cwd: string, env: NodeJS.ProcessEnv): RepoInfo | null {
  if (GIT_VARIABLES.some((name) => env[name] !== undefined)) return null;
  try {
    const topLevel = findTop(realpathSync(cwd));
    if (!topLevel) return null;
    const dotGit = join(topLevel, '.git');
    const stat = statSync(dotGit);
    if (process.getuid && stat.uid !== process.getuid()) return null; // git's safe.directory rules apply
    const gitDir = stat.isDirectory() ? dotGit : gitDirFromFile(dotGit, topLevel);
    if (!gitDir) return null;
    const commonDir = commonDirOf(gitDir);
    const head = readHead(gitDir, commonDir);
    return head === undefined ? null : { topLevel, commonDir, head };
  } catch {
    // unclear from the files alone: git decides (discoverRepo)
    return null;
  }
}

function findTop(start: string): string | null {
  for (let dir = start; ; dir = dirname(dir)) {
    try {
      statSync(join(dir, '.git'));
      return dir;
    } catch {
      // no .git in this folder: look one up
      if (dirname(dir) === dir) return null;
    }
  }
}

function gitDirFromFile(file: string, top: string): string | null {
  const line = readFileSync(file, 'utf8').split('\n')[0]!.trim();
  if (!line.startsWith('gitdir: ')) return null;
  const dir = line.slice('gitdir: '.length);
  return realpathSync(isAbsolute(dir) ? dir : resolve(top, dir));
}

/** The clone's common git dir, from a git dir (a linked worktree's names it in `commondir`). */
export function commonDirOf(gitDir: string): string {
  try {
    const rel = readFileSync(join(gitDir, 'commondir'), 'utf8').trim();
    return realpathSync(isAbsolute(rel) ? rel : resolve(gitDir, rel));
  } catch {
    // no commondir file: not a linked worktree, its git dir is the common one
    return gitDir;
  }
}

/** HEAD's commit; null on an unborn branch; undefined when unsure. */
function readHead(gitDir: string, commonDir: string): string | null | undefined {
  const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
  if (SHA.test(head)) return head;
  if (!head.startsWith('ref: refs/heads/') || head.endsWith('.invalid')) return undefined;
  const ref = head.slice('ref: '.length);
  try {
    const loose = readFileSync(join(commonDir, ref), 'utf8').trim();
    return SHA.test(loose) ? loose : undefined;
  } catch {
    /* not loose: packed, or unborn */
  }
  let packed = '';
  try {
    packed = readFileSync(join(commonDir, 'packed-refs'), 'utf8');
  } catch {
    return null; // no such ref at all: an unborn branch
  }
  for (const line of packed.split('\n')) {
    const [sha, name] = line.split(' ');
    if (name === ref && sha && SHA.test(sha)) return sha;
  }
  return null;
}
