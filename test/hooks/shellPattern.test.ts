// branchPattern for the hook's shell: a pattern is translated only when `grep -E` (LC_ALL=C) gives V8's
// answer on every name the shell tests; anything else (a JavaScript-only construct, a pattern that could
// backtrack) is null, and the push takes the Node path.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { SHELL_NAME_CHARS, shellPattern } from '../../src/hooks/shellPattern.js';
import { DEFAULT_BRANCH_PATTERN } from '../../src/kernel/config/defaults.js';

const NAMES = [
  'feat/x',
  'feat/a.b_c-1',
  'feat/',
  'fix/Upper',
  'feature/x',
  'chore/x/y',
  'main',
  'docs/..',
  'agent/-',
  'x',
  'xx',
  'xxxxx',
  'xxxxxy',
  'xxy',
  'feat/12',
  'feat/A1-b',
  'feat/A',
  'a/b',
  '-x',
  'Not_A_Pattern_Name',
];

/** Which of NAMES grep -E accepts, in one grep. */
function grepAccepts(ere: string): Set<string> {
  const out = spawnSync('grep', ['-E', '-e', ere], {
    input: `${NAMES.join('\n')}\n`,
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
  });
  assert.notEqual(out.status, 2, out.stderr);
  return new Set(out.stdout.split('\n').filter(Boolean));
}

describe('shellPattern', () => {
  it('translates patterns both read alike, and grep then gives V8’s answer on every name', () => {
    const patterns = [
      DEFAULT_BRANCH_PATTERN,
      '^[a-z]+/.+$',
      '^x{2,5}y$',
      '^feat\\/[A-Z][a-z0-9-]*$',
      '^(main|feat/x)',
      '^[^A-Z]+$',
      '^agent\\-$',
      '^.$',
    ];
    for (const pattern of patterns) {
      const ere = shellPattern(pattern);
      assert.ok(ere, `${pattern} should be read by the shell`);
      const grep = grepAccepts(ere);
      const v8 = new RegExp(pattern);
      for (const name of NAMES) assert.equal(grep.has(name), v8.test(name), `${pattern} on ${name}`);
    }
    for (const name of NAMES) for (const c of name) assert.ok(SHELL_NAME_CHARS.includes(c), name);
  });

  it('leaves to Node what JavaScript reads its own way, or what could backtrack past the budget', () => {
    for (const pattern of [
      '^feat/\\d+$', // \d: POSIX has no such escape
      '^(?:feat|fix)/.+$', // non-capturing group
      '^feat/(?!wip).+$', // lookahead
      '^feat/[a-z]+?$', // lazy
      '^(a+)+$', // a quantified group: catastrophic backtracking in V8
      '^(a|b)(c|d)$', // more than one group
      'feat/.+', // unanchored: every start is a backtracking start
      '^(feat|fix)/.+|^main$', // alternation outside a group
      '^a*b*c*$', // more than two quantifiers
      '^[\\]a]$', // an escape inside a class that POSIX reads literally
      '^[a-Z]$', // a range across letter cases
      '^[a-b-c]$', // a dash after a range: a literal to V8, an invalid range end to grep
      '^[0-9-z]+$',
      '^feat/\\w+$',
      '^feat/x\\b',
      '^(a)\\1$',
      '',
    ])
      assert.equal(shellPattern(pattern), null, pattern);
  });
});
