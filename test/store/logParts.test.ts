// "More complete", as the saved log's merge defines it: per stage, a fetched log beats a "not available"
// one and more lines beat fewer; a failed fetch never replaces anything; the text round-trips.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gained, logText, mergeLogs, missingPart, parseLog, presentPart } from '../../src/store/logParts.js';

const lines = (n: number, word = 'build') => Array.from({ length: n }, (_, i) => `${word} line ${i + 1}\n`).join('');
const build = (n: number, id = 'd1') => presentPart('BUILD', id, lines(n));
const deploy = (n: number, id = 'd1') => presentPart('DEPLOY', id, lines(n, 'deploy'));
const E401 = 'DigitalOcean rejected the token (HTTP 401: Unable to authenticate you.)';

describe('saved log parts', () => {
  it('round-trips through its text, a reason with parentheses included', () => {
    const parts = [build(3), missingPart('DEPLOY', 'd1', E401)];
    assert.deepEqual(parseLog(logText(parts)), parts);
  });

  it('a fetch that failed (401 for every stage) replaces nothing', () => {
    const saved = [build(30), deploy(4)];
    const merged = mergeLogs(saved, [missingPart('BUILD', 'd1', E401), missingPart('DEPLOY', 'd1', E401)]);
    assert.deepEqual(merged, saved);
    assert.equal(gained(merged, saved), false, 'the saved file is not rewritten');
  });

  it('a fetch with nothing at all, over nothing saved, writes nothing', () => {
    assert.equal(gained(mergeLogs([], [missingPart('BUILD', 'd1', E401)]), []), false);
  });

  it('a cut stage gives way to the whole one; a longer saved one stays', () => {
    const cut = [build(12)];
    assert.deepEqual(mergeLogs(cut, [build(30)]), [build(30)]);
    assert.equal(gained(mergeLogs(cut, [build(30)]), cut), true);
    const whole = [build(30)];
    assert.deepEqual(mergeLogs(whole, [build(12)]), whole);
    assert.equal(gained(mergeLogs(whole, [build(12)]), whole), false);
  });

  it('a stage that came fills in one that was missing, in stage order', () => {
    const saved = [build(5), missingPart('DEPLOY', 'd1', 'gave up within the log budget')];
    const merged = mergeLogs(saved, [deploy(2)]);
    assert.deepEqual(merged, [build(5), deploy(2)]);
    assert.equal(gained(merged, saved), true);
  });

  it("another deployment's log replaces the old one only when it brought text", () => {
    assert.deepEqual(mergeLogs([build(30, 'old')], [missingPart('BUILD', 'new', E401)]), [build(30, 'old')]);
    assert.deepEqual(mergeLogs([build(30, 'old')], [build(2, 'new')]), [build(2, 'new')]);
  });
});
