// The git merge drivers: installed into a clone's config and named in .gitattributes, a plain
// `git rebase` resolves the roadmap and changelog like `deploy-watch push` does; a driver that
// cannot merge, or whose node path went stale, leaves markers and never a silent one-sided file.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { driverCommand, gitattributesLines, installMergeDrivers } from '../../../src/push/merge/mergeDrivers.js';
import { createGit } from '../../../src/git/git.js';
import { BIN, cli } from '../../../support/helpers/cli.js';
import { makeRepo, type TestRepo } from '../../../support/helpers/repo.js';

const RULES = [
  { paths: ['ROADMAP.md', 'docs/roadmap/**'], strategy: 'checklist' as const },
  { paths: ['CHANGELOG.md'], strategy: 'union' as const },
];

describe('gitattributesLines', () => {
  it('writes one line per glob naming the driver', () => {
    assert.deepEqual(gitattributesLines(RULES), [
      'ROADMAP.md merge=deploy-watch-checklist',
      'docs/roadmap/** merge=deploy-watch-checklist',
      'CHANGELOG.md merge=deploy-watch-union',
    ]);
  });
  it('quotes node and bin for the shell and falls back to git merge-file when they are gone', () => {
    const cmd = driverCommand('union', "/opt/it's/node", '/x/bin.js');
    assert.match(cmd, /^'\/opt\/it'\\''s\/node' '\/x\/bin\.js' merge-driver union %O %A %B %P \|\|/);
    assert.match(cmd, /git merge-file -L ours -L base -L theirs %A %O %B/);
  });
});

describe('merge drivers in a real rebase', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());

  /** Upstream and local both change ROADMAP.md and CHANGELOG.md; returns after a plain `git rebase`. */
  const rebaseWithDrivers = async (node?: string) => {
    repo = makeRepo();
    await installMergeDrivers(createGit(repo.dir, repo.env), node ?? process.execPath, BIN);
    repo.commit('base', {
      '.gitattributes': `${gitattributesLines(RULES).join('\n')}\n`,
      'ROADMAP.md': '- [ ] one\n- [ ] two\n',
      'CHANGELOG.md': '# Changes\n',
    });
    repo.git('switch', '-q', '-c', 'upstream');
    repo.commit('up', { 'ROADMAP.md': '- [x] one\n- [ ] two\n- [ ] up\n', 'CHANGELOG.md': '# Changes\n- up\n' });
    repo.git('switch', '-q', 'main');
    repo.commit('local', {
      'ROADMAP.md': '- [ ] one\n- [x] two\n- [ ] local\n',
      'CHANGELOG.md': '# Changes\n- local\n',
    });
    try {
      repo.git('rebase', 'upstream');
      return true;
    } catch {
      return false;
    }
  };

  it('resolve the rule files during git rebase (upstream lines first)', async () => {
    assert.equal(await rebaseWithDrivers(), true);
    assert.equal(readFileSync(join(repo.dir, 'ROADMAP.md'), 'utf8'), '- [x] one\n- [x] two\n- [ ] up\n- [ ] local\n');
    assert.equal(readFileSync(join(repo.dir, 'CHANGELOG.md'), 'utf8'), '# Changes\n- up\n- local\n');
  });

  it('with a stale node path, git merge-file leaves markers holding both sides', async () => {
    assert.equal(await rebaseWithDrivers('/nonexistent/node'), false);
    const text = readFileSync(join(repo.dir, 'CHANGELOG.md'), 'utf8');
    assert.match(text, /<<<<<<< ours\n- up\n=======\n- local\n>>>>>>> theirs/);
    repo.git('rebase', '--abort');
  });
});

describe('deploy-watch merge-driver', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());
  const files = (base: string, ours: string, theirs: string) => {
    repo = makeRepo({ withRemote: false });
    const [o, a, b] = ['O', 'A', 'B'].map((n) => join(repo.root, n)) as [string, string, string];
    writeFileSync(o, base);
    writeFileSync(a, ours);
    writeFileSync(b, theirs);
    return { o, a, b };
  };

  it('writes the merge into %A and exits 0', () => {
    const { o, a, b } = files('x\n', 'x\nours\n', 'x\ntheirs\n');
    const r = cli(['merge-driver', 'union', o, a, b, 'LOG.md'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(a, 'utf8'), 'x\nours\ntheirs\n');
  });

  it('an unknown rule exits 1 only after writing markers with all three versions into %A', () => {
    const { o, a, b } = files('x\n', 'x\nours\n', 'x\ntheirs\n');
    const r = cli(['merge-driver', 'mystery', o, a, b, 'LOG.md'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /left conflict markers in LOG\.md: Unknown merge rule "mystery"/);
    assert.equal(
      readFileSync(a, 'utf8'),
      '<<<<<<< ours\nx\nours\n||||||| base\nx\n=======\nx\ntheirs\n>>>>>>> theirs\n',
    );
  });

  it('an unreadable input exits above 128 (a failed merge to git, not a conflict)', () => {
    const { o, a } = files('x\n', 'x\n', 'x\n');
    const r = cli(['merge-driver', 'union', o, a, join(repo.root, 'missing'), 'LOG.md'], {
      cwd: repo.dir,
      env: repo.env,
    });
    assert.equal(r.code, 129);
    assert.equal(readFileSync(a, 'utf8'), 'x\n');
  });
});
