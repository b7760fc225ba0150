// Everything a refused or failed push must leave exactly as it was.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestRepo } from '../helpers/repo.js';

export interface Snapshot {
  head: string;
  symbolic: string;
  status: string;
  index: string;
  refs: string;
  rebaseDirs: boolean[];
  stash: string;
}

export function snapshot(repo: TestRepo): Snapshot {
  const gitDir = join(repo.dir, '.git');
  const tryGit = (...args: string[]) => {
    try {
      return repo.git(...args);
    } catch {
      return '(fails)';
    }
  };
  // The index bytes first: `status` below is run with --no-optional-locks so it cannot rewrite them.
  const index = createHash('sha256')
    .update(readFileSync(join(gitDir, 'index')))
    .digest('hex');
  return {
    head: repo.git('rev-parse', 'HEAD'),
    symbolic: tryGit('symbolic-ref', '-q', 'HEAD'),
    status: repo.git('--no-optional-locks', 'status', '--porcelain=v2', '--untracked-files=all'),
    index,
    refs: repo.git('for-each-ref', '--format=%(refname) %(objectname)'),
    rebaseDirs: ['rebase-merge', 'rebase-apply'].map((d) => existsSync(join(gitDir, d))),
    stash: repo.git('stash', 'list'),
  };
}
