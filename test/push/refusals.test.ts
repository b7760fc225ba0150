// Every refusal happens before anything changes: HEAD, refs, status, the index bytes, and no
// rebase directory, compared before and after a real `deploy-watch push` child process.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { cli } from '../../support/helpers/cli.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';
import { snapshot } from '../../support/push/snapshot.js';

describe('push refusals leave the repository exactly unchanged', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());

  const refused = (args: string[], code: number, message: RegExp) => {
    const before = snapshot(repo);
    const r = cli(['push', ...args], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, code, r.stderr);
    assert.match(r.stderr, message);
    assert.deepEqual(snapshot(repo), before);
    const json = cli(['push', '--json', ...args], { cwd: repo.dir, env: repo.env });
    assert.equal(json.code, code);
    assert.deepEqual(JSON.parse(json.stdout).exitCode, code);
    assert.deepEqual(snapshot(repo), before);
  };

  /** A second clone pushes a change so that the local branch is behind and would need a rebase. */
  const behind = () => {
    repo.git('clone', '-q', repo.remote, join(repo.root, 'other'));
    const other = (...a: string[]) => repo.git('-C', join(repo.root, 'other'), ...a);
    writeFileSync(join(repo.root, 'other', 'shared.txt'), 'theirs\n');
    other('add', 'shared.txt');
    other('commit', '-q', '-m', 'other');
    other('push', '-q', 'origin', 'main');
  };

  it('a dirty tree: exit 10, names the file', () => {
    repo = makeRepo();
    behind();
    repo.commit('mine');
    writeFileSync(join(repo.dir, 'initial.txt'), 'changed\n');
    refused([], 10, /uncommitted changes \(initial\.txt\).*git stash/s);
  });

  it('staged changes count as dirty too', () => {
    repo = makeRepo();
    writeFileSync(join(repo.dir, 'initial.txt'), 'staged\n');
    repo.git('add', 'initial.txt');
    refused([], 10, /uncommitted changes/);
  });

  /** Local and remote both changed shared.txt, fetched: the next rebase or merge stops on a conflict. */
  const divergeOnSharedFile = () => {
    repo = makeRepo();
    repo.commit('base', { 'shared.txt': 'base\n' });
    repo.git('push', '-q');
    behind();
    repo.commit('mine', { 'shared.txt': 'mine\n' });
    repo.git('fetch', '-q');
  };

  it('a rebase already in progress: exit 11', () => {
    divergeOnSharedFile();
    assert.throws(() => repo.git('rebase', 'origin/main'));
    refused([], 11, /A rebase is already in progress.*git rebase --abort/s);
  });

  it('a merge already in progress: exit 11', () => {
    divergeOnSharedFile();
    assert.throws(() => repo.git('merge', 'origin/main'));
    refused([], 11, /A merge is already in progress/);
  });

  it('a detached HEAD: exit 12', () => {
    repo = makeRepo();
    repo.git('checkout', '-q', '--detach');
    refused([], 12, /HEAD is detached/);
  });

  it('no upstream and no remote branch named: exit 13', () => {
    repo = makeRepo();
    repo.git('switch', '-q', '-c', 'feature');
    repo.commit('feature work');
    refused([], 13, /has no upstream.*deploy-watch push origin feature/s);
    refused(['origin'], 13, /has no upstream/);
  });

  it('an unknown remote: exit 64, lists the known ones', () => {
    repo = makeRepo();
    refused(['nowhere', 'main'], 64, /No remote named "nowhere".*known: origin/s);
  });

  it('an invalid branch name: exit 64', () => {
    repo = makeRepo();
    refused(['origin', 'bad..name'], 64, /not a valid branch name/);
  });
});
