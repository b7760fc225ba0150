// Property-style tests of `union` and `checklist` on generated three-way inputs (seeded PRNG, so a
// failure names its seed and replays exactly): nothing either side added is lost, no markers,
// and merging again is stable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeWith, type Strategy } from '../../../src/push/merge/strategies.js';
import { hasConflictMarkers, lostLines } from '../../../src/push/merge/verify.js';
import { mulberry32, randomEdit, randomText } from '../../../support/push/generate.js';

const CASES = 400;

for (const strategy of ['union', 'checklist'] as Strategy[]) {
  describe(`${strategy} on generated inputs`, () => {
    it(`keeps every added line and ticked item, writes no marker, is stable (${CASES} seeds)`, () => {
      for (let seed = 1; seed <= CASES; seed++) {
        const rnd = mulberry32(seed);
        const base = randomText(rnd, strategy, 'b');
        const ours = randomEdit(rnd, base, strategy, 'o');
        const theirs = randomEdit(rnd, base, strategy, 't');
        const merged = mergeWith(strategy, base, ours, theirs);
        const where = `seed ${seed}\nbase:\n${base}\nours:\n${ours}\ntheirs:\n${theirs}\nmerged:\n${merged}`;
        assert.deepEqual(lostLines(strategy, base, ours, theirs, merged), [], where);
        assert.equal(hasConflictMarkers(merged), false, where);
        assert.equal(mergeWith(strategy, base, merged, merged), merged, `self-merge changed it; ${where}`);
        assert.equal(mergeWith(strategy, merged, merged, merged), merged, where);
        // Replaying a side onto the result again (a retried rebase) loses no new line. Only the
        // number of copies of a line the base already had (blank lines, separators) may differ.
        const baseLines = new Set(base.split('\n'));
        const lostNew = (x: string, y: string, r: string) =>
          lostLines(strategy, base, x, y, r).filter((l) => !baseLines.has(l));
        for (const again of [mergeWith(strategy, base, merged, theirs), mergeWith(strategy, base, ours, merged)]) {
          assert.deepEqual(lostNew(merged, theirs, again), [], where);
          assert.deepEqual(lostNew(ours, merged, again), [], where);
        }
      }
    });

    it('is the identity when only one side changed', () => {
      for (let seed = 1000; seed < 1100; seed++) {
        const rnd = mulberry32(seed);
        const base = randomText(rnd, strategy, 'b');
        const ours = randomEdit(rnd, base, strategy, 'o');
        assert.equal(mergeWith(strategy, base, ours, base), ours, `seed ${seed}`);
        assert.equal(mergeWith(strategy, base, base, ours), ours, `seed ${seed}`);
      }
    });
  });
}
