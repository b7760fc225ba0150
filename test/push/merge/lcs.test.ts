// The alignment under both rules: Myers' diff must find a longest common subsequence (checked
// against the plain table on seeded inputs) and stay fast on big files with edits at both ends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lcsPairs } from '../../../src/push/merge/lcs.js';
import { dpPairs } from '../../../src/push/merge/lcsTable.js';
import { mergeUnion } from '../../../src/push/merge/union.js';
import { mulberry32 } from '../../../support/push/generate.js';

describe('lcsPairs', () => {
  it("is a common subsequence as long as the table's, on 3000 seeded pairs", () => {
    const rnd = mulberry32(42);
    const word = () => 'abcd'[Math.floor(rnd() * 4)]!;
    for (let t = 0; t < 3000; t++) {
      const a = Array.from({ length: Math.floor(rnd() * 16) }, word);
      const b = Array.from({ length: Math.floor(rnd() * 16) }, word);
      const pairs = lcsPairs(a, b);
      assert.equal(pairs.length, dpPairs(a, b).length, `${a.join('')} / ${b.join('')}`);
      pairs.forEach(([i, j], k) => {
        assert.equal(a[i], b[j]);
        if (k > 0) assert.ok(i > pairs[k - 1]![0] && j > pairs[k - 1]![1]);
      });
    }
  });

  it('merges a 20,000-line log edited at both ends and in the middle, exactly, in well under a second', () => {
    const base = Array.from({ length: 20_000 }, (_, i) => `- entry ${i}`);
    const text = (lines: string[]) => `${lines.join('\n')}\n`;
    const ours = ['- new ours', ...base.map((l) => (l === '- entry 5000' ? '- entry 5000 edited' : l)), '- tail ours'];
    const theirs = ['- new theirs', ...base.filter((l) => l !== '- entry 15000'), '- tail theirs'];
    // CPU time, not wall time: the merge's own work, which files running beside it on a busy machine do not stretch.
    const started = process.cpuUsage();
    const merged = mergeUnion(text(base), text(ours), text(theirs)).split('\n');
    const { user, system } = process.cpuUsage(started);
    const ms = Math.round((user + system) / 1000);
    assert.ok(ms < 1000, `took ${ms} ms of CPU`);
    const expected = [
      '- new ours',
      '- new theirs',
      ...base.filter((l) => l !== '- entry 15000').map((l) => (l === '- entry 5000' ? '- entry 5000 edited' : l)),
      '- tail ours',
      '- tail theirs',
      '',
    ];
    assert.deepEqual(merged, expected);
  });
});
