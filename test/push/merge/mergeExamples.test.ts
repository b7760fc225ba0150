// The cases from the research notes where git's merge=union and -X ours/theirs lose or duplicate lines.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeChecklist } from '../../../src/push/merge/checklist.js';
import { mergeUnion } from '../../../src/push/merge/union.js';

describe('union', () => {
  it('keeps both appends, upstream (ours) first, and a line both added once', () => {
    assert.equal(
      mergeUnion('# log\n', '# log\n- a1\n- same\n', '# log\n- b1\n- same\n'),
      '# log\n- a1\n- b1\n- same\n',
    );
  });
  it('honours a deletion the other side did not touch, and keeps an edit', () => {
    const base = 'one\ntwo\nthree\n';
    assert.equal(mergeUnion(base, 'one\nthree\n', 'one\ntwo\nthree\nfour\n'), 'one\nthree\nfour\n');
    assert.equal(
      mergeUnion(base, 'one\ntwo (edited)\nthree\n', 'one\nthree\nadded\n'),
      'one\ntwo (edited)\nthree\nadded\n',
    );
  });
  it('a line both sides changed differently is kept in both versions, upstream first', () => {
    assert.equal(mergeUnion('x\nline\ny\n', 'x\nline A\ny\n', 'x\nline B\ny\n'), 'x\nline A\nline B\ny\n');
  });
  it('handles empty sides and a missing final newline', () => {
    assert.equal(mergeUnion('', 'a', 'b\n'), 'a\nb\n');
    assert.equal(mergeUnion('', '', ''), '');
  });
});

describe('checklist', () => {
  const base = '# Roadmap\n- [ ] task1\n- [ ] task2\n';
  it('a tick on one side and an addition on the other never conflict', () => {
    assert.equal(
      mergeChecklist(base, '- [x] task1\n- [ ] task2\n'.replace(/^/, '# Roadmap\n'), `${base}- [ ] task3\n`),
      '# Roadmap\n- [x] task1\n- [ ] task2\n- [ ] task3\n',
    );
  });
  it('an item ticked on either side stays ticked, without duplicating it (git union duplicated it)', () => {
    const ours = '# Roadmap\n- [x] task1\n- [ ] task2\n- [ ] A\n';
    const theirs = '# Roadmap\n- [ ] task1\n- [x] task2\n- [ ] B\n';
    assert.equal(mergeChecklist(base, ours, theirs), '# Roadmap\n- [x] task1\n- [x] task2\n- [ ] A\n- [ ] B\n');
  });
  it('the same item added on both sides, ticked on one, is kept once and ticked', () => {
    assert.equal(mergeChecklist(base, `${base}- [ ] new\n`, `${base}- [x] new\n`), `${base}- [x] new\n`);
  });
  it('an item ticked on one side and reworded on the other keeps both lines', () => {
    assert.equal(
      mergeChecklist('- [ ] a\n- [ ] b\n', '- [x] a\n- [ ] b\n', '- [ ] a (owner B)\n- [ ] b\n'),
      '- [x] a\n- [ ] a (owner B)\n- [ ] b\n',
    );
  });
  it('a ticked item the other side removed is kept (the tick is work), an untouched one is removed', () => {
    const ours = '# Roadmap\n- [x] task1\n- [ ] task2\n- [ ] X\n';
    const theirs = '# Roadmap\n- [ ] task2\n- [ ] Y\n';
    assert.equal(mergeChecklist(base, ours, theirs), '# Roadmap\n- [x] task1\n- [ ] task2\n- [ ] X\n- [ ] Y\n');
    assert.equal(
      mergeChecklist(base, '# Roadmap\n- [ ] task2\n', `${base}- [ ] Z\n`),
      '# Roadmap\n- [ ] task2\n- [ ] Z\n',
    );
  });
});
