// Pure pieces: the glob matcher, rule lookup, branch-name check and `git push --porcelain` reading.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesGlob } from '../../../src/push/merge/glob.js';
import { isBranchName } from '../../../src/push/preconditions.js';
import { classifyPush } from '../../../src/push/pushResult.js';
import { strategyFor } from '../../../src/push/merge/rules.js';

describe('matchesGlob (gitattributes reading)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['ROADMAP.md', 'ROADMAP.md', true],
    ['docs/ROADMAP.md', 'ROADMAP.md', true],
    ['ROADMAP.md.bak', 'ROADMAP.md', false],
    ['/ROADMAP.md', 'ROADMAP.md', true],
    ['docs/ROADMAP.md', '/ROADMAP.md', false],
    ['sessions/a.md', 'sessions/**', true],
    ['sessions/2026/11/a.md', 'sessions/**', true],
    ['x/sessions/a.md', 'sessions/**', false],
    ['docs/roadmap-q3.md', '**/roadmap*.md', true],
    ['roadmap.md', '**/roadmap*.md', true],
    ['a/b/c.md', 'a/**/c.md', true],
    ['a/c.md', 'a/**/c.md', true],
    ['a/b/c.md', 'a/*.md', false],
    ['session-1.md', 'session-?.md', true],
    ['session-12.md', 'session-?.md', false],
    ['a+b(1).md', 'a+b(1).md', true],
  ];
  for (const [path, glob, expected] of cases) {
    it(`${glob} ${expected ? 'matches' : 'does not match'} ${path}`, () =>
      assert.equal(matchesGlob(path, glob), expected));
  }
  it('the first matching rule wins', () => {
    const rules = [
      { paths: ['CHANGELOG.md'], strategy: 'union' as const },
      { paths: ['*.md'], strategy: 'checklist' as const },
    ];
    assert.equal(strategyFor('CHANGELOG.md', rules), 'union');
    assert.equal(strategyFor('TODO.md', rules), 'checklist');
    assert.equal(strategyFor('src/a.ts', rules), null);
  });
});

describe('isBranchName', () => {
  it('accepts and refuses like git check-ref-format', () => {
    for (const ok of ['main', 'feat/x-1', 'release/2026.11']) assert.equal(isBranchName(ok), true, ok);
    for (const bad of ['', 'a..b', '-x', 'a b', 'x.lock', 'a/', '@', 'a~1', 'a:b', '.hidden', 'a//b'])
      assert.equal(isBranchName(bad), false, bad);
  });
});

describe('classifyPush (porcelain, not hints)', () => {
  const line = (flag: string, summary: string) =>
    `To /srv/remote.git\n${flag}\tHEAD:refs/heads/main\t${summary}\nDone\n`;
  it('a fast-forward and a new branch are pushed', () => {
    assert.equal(classifyPush(line(' ', 'abc1234..def5678'), '', 'main').kind, 'pushed');
    assert.equal(classifyPush(line('*', '[new branch]'), '', 'main').kind, 'pushed');
  });
  it('fetch first, non-fast-forward, cannot lock ref and remote failure are races', () => {
    for (const s of [
      '[rejected] (fetch first)',
      '[rejected] (non-fast-forward)',
      "[remote rejected] (cannot lock ref 'refs/heads/main': is at 1111 but expected 2222)",
      '[remote rejected] (failed to update ref)',
      '[remote failure] (remote failed to report status)',
    ]) {
      assert.equal(classifyPush(line('!', s), '', 'main').kind, 'race', s);
    }
  });
  it("hook, protected-branch and ruleset refusals are final, with the remote's words", () => {
    const stderr =
      'remote: error: GH006: Protected branch update failed for refs/heads/main.\nremote: - Changes must be made through a pull request.\nhint: ignore me\n';
    const r = classifyPush(line('!', '[remote rejected] (protected branch hook declined)'), stderr, 'main');
    assert.deepEqual(r, {
      kind: 'rejected',
      reason:
        '[remote rejected] (protected branch hook declined); error: GH006: Protected branch update failed for refs/heads/main.; - Changes must be made through a pull request.',
    });
    assert.equal(
      classifyPush(line('!', '[remote rejected] (push declined due to repository rule violations)'), '', 'main').kind,
      'rejected',
    );
    assert.equal(classifyPush(line('!', '[rejected] (stale info)'), '', 'main').kind, 'rejected');
  });
  it('no porcelain line (auth, network) is final with fatal/error lines and no hints', () => {
    const r = classifyPush(
      '',
      "remote: Invalid username or token.\nfatal: Authentication failed for 'https://example.test/r.git/'\n",
      'main',
    );
    // answerLost: with no line for the ref, push asks the remote (ls-remote) before calling it final.
    assert.deepEqual(r, {
      kind: 'rejected',
      reason: "remote: Invalid username or token.; fatal: Authentication failed for 'https://example.test/r.git/'",
      answerLost: true,
    });
  });
  it('a line for another ref is not ours', () => {
    assert.equal(
      classifyPush(line(' ', 'a..b').replace('refs/heads/main', 'refs/heads/mainline'), '', 'main').kind,
      'rejected',
    );
  });
});
