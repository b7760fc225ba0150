// Reading the repository from .git's files gives git's own answer, or none (then git is asked).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createGit } from '../../src/git/git.js';
import { discoverRepo } from '../../src/git/repo.js';
import { readRepoFromFiles } from '../../src/git/repoFiles.js';
import { git, makeRepo, type TestRepo } from '../../support/helpers/repo.js';

const asGitSays = (cwd: string, env: NodeJS.ProcessEnv) => discoverRepo(createGit(cwd, env));

describe('repository from .git files', () => {
  const repos: TestRepo[] = [];
  const repo = () => {
    const r = makeRepo({ withRemote: false });
    repos.push(r);
    return r;
  };
  after(() => repos.forEach((r) => r.cleanup()));

  it('matches git in the top, a subfolder, with packed refs, detached, in a worktree and on an unborn branch', () => {
    const r = repo();
    mkdirSync(join(r.dir, 'sub', 'deeper'), { recursive: true });
    const cases: Array<[string, () => string]> = [
      ['top', () => r.dir],
      ['subfolder', () => join(r.dir, 'sub', 'deeper')],
      ['packed refs', () => (r.git('pack-refs', '--all'), r.dir)],
      ['detached', () => (r.git('checkout', '-q', '--detach'), r.dir)],
      ['worktree', () => (r.git('worktree', 'add', '-q', join(r.root, 'wt'), '-b', 'side'), join(r.root, 'wt'))],
      ['unborn', () => (r.git('checkout', '-q', '--orphan', 'fresh'), r.dir)],
    ];
    for (const [name, setUp] of cases) {
      const cwd = setUp();
      assert.deepEqual(readRepoFromFiles(cwd, r.env), asGitSays(cwd, r.env), name);
    }
    assert.equal(readRepoFromFiles(r.dir, r.env)!.head, null);
  });

  it('leaves GIT_DIR and folders outside any repository to git', () => {
    const r = repo();
    assert.equal(readRepoFromFiles(r.dir, { ...r.env, GIT_DIR: join(r.dir, '.git') }), null);
    assert.equal(readRepoFromFiles('/', r.env), null);
    assert.equal(git(r.dir, ['rev-parse', '--is-inside-work-tree']), 'true');
  });
});
