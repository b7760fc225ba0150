// A conflict no rule covers: the rebase is aborted, the branch, index and work tree are as
// before, and the message names the file and the commands to finish by hand. Rule-covered
// files in the same rebase do not hide it.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { cli } from '../../support/helpers/cli.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';
import { snapshot } from '../../support/push/snapshot.js';

describe('a real conflict in a code file', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());

  const setup = (theirs: Record<string, string | null>, mine: Record<string, string>) => {
    repo = makeRepo();
    repo.commit('base', { 'code.ts': 'export const x = 1;\n', 'ROADMAP.md': '- [ ] one\n' });
    repo.git('push', '-q');
    const other = join(repo.root, 'other');
    repo.git('clone', '-q', repo.remote, other);
    for (const [name, text] of Object.entries(theirs)) {
      if (text === null) repo.git('-C', other, 'rm', '-q', name);
      else {
        writeFileSync(join(other, name), text);
        repo.git('-C', other, 'add', name);
      }
    }
    repo.git('-C', other, 'commit', '-q', '-m', 'theirs');
    repo.git('-C', other, 'push', '-q', 'origin', 'main');
    return repo.commit('mine', mine);
  };

  it('is reported with the commands to finish, and nothing is touched', () => {
    const mine = setup(
      { 'code.ts': 'export const x = 2;\n', 'ROADMAP.md': '- [ ] one\n- [ ] theirs\n' },
      { 'code.ts': 'export const x = 3;\n', 'ROADMAP.md': '- [x] one\n' },
    );
    const before = snapshot(repo);
    const remoteBefore = repo.git('--git-dir', repo.remote, 'rev-parse', 'main');
    const r = cli(['push'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Conflicts that no merge rule covers, in: code\.ts\./);
    assert.doesNotMatch(r.stderr, /in: .*ROADMAP/);
    assert.match(
      r.stderr,
      /git fetch origin main\n\s+git rebase origin\/main\n.*git rebase --continue\n\s+deploy-watch push origin main/s,
    );
    const after = snapshot(repo);
    assert.equal(after.head, mine);
    assert.equal(after.symbolic, 'refs/heads/main');
    assert.equal(after.status, before.status);
    assert.deepEqual(after.rebaseDirs, [false, false]);
    assert.equal(
      repo.git('ls-files', '-s'),
      repo.git('ls-tree', '-r', '--format=%(objectmode) %(objectname) 0\t%(path)', 'HEAD'),
    );
    assert.equal(readFileSync(join(repo.dir, 'code.ts'), 'utf8'), 'export const x = 3;\n');
    assert.equal(readFileSync(join(repo.dir, 'ROADMAP.md'), 'utf8'), '- [x] one\n');
    assert.equal(repo.git('--git-dir', repo.remote, 'rev-parse', 'main'), remoteBefore, 'nothing pushed');
  });

  it('rule files are resolved when run from a subfolder', () => {
    setup(
      { 'ROADMAP.md': '- [ ] one\n- [ ] theirs\n' },
      { 'ROADMAP.md': '- [x] one\n- [ ] mine\n', 'sub/x.txt': 'x\n' },
    );
    const r = cli(['push', '--json'], { cwd: join(repo.dir, 'sub'), env: repo.env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).autoResolved, ['ROADMAP.md']);
    assert.equal(repo.git('--git-dir', repo.remote, 'show', 'main:ROADMAP.md'), '- [x] one\n- [ ] theirs\n- [ ] mine');
  });

  it('a rule file deleted upstream and changed here needs a human too', () => {
    setup({ 'ROADMAP.md': null }, { 'ROADMAP.md': '- [x] one\n' });
    const r = cli(['push', '--json'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as { outcome: string; conflictFiles: string[] };
    assert.equal(out.outcome, 'conflict');
    assert.deepEqual(out.conflictFiles, ['ROADMAP.md (deleted on one side and changed on the other)']);
    assert.equal(repo.git('status', '--porcelain'), '');
  });
});
