// The poll schedule as pure arithmetic: fast then easing off while nothing changes, slow after fastFor,
// grid-aligned, never longer than slowInterval, capped by the deadline.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignDelay, nextDelayMs, planSleep } from '../../src/watcher/schedule.js';

const P = { fastInterval: 5, fastFor: 60, slowInterval: 15, timeout: 1800 };

describe('poll schedule', () => {
  it('polls every fastInterval while things change during fastFor, then every slowInterval', () => {
    assert.equal(nextDelayMs(P, 0, 0), 5_000);
    assert.equal(nextDelayMs(P, 55_000, 0), 5_000);
    assert.equal(nextDelayMs(P, 60_000, 0), 15_000);
    assert.equal(nextDelayMs(P, 600_000, 0), 15_000);
  });

  it('eases off to slowInterval, never beyond, while nothing changes', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 30].map((u) => nextDelayMs(P, 10_000, u)),
      [5_000, 10_000, 15_000, 15_000, 15_000],
    );
  });

  it('aligns to the grid without ever waiting longer than asked', () => {
    assert.equal(alignDelay(1_003_000, 5_000, 5_000), 2_000); // next multiple of 5 s
    assert.equal(alignDelay(1_005_000, 5_000, 5_000), 5_000);
    for (let now = 1_000_000; now < 1_030_000; now += 700) {
      const d = alignDelay(now, 15_000, 15_000);
      assert.ok(d > 0 && d <= 15_000, `delay ${d} at ${now}`);
      assert.equal((now + d) % 15_000, 0);
    }
  });

  it('never sleeps past the deadline', () => {
    const start = 1_000_000;
    assert.equal(planSleep({ ...P, timeout: 2 }, start + 1_000, start, 0), 1_000);
    assert.equal(planSleep({ ...P, timeout: 2 }, start + 2_000, start, 0), 0);
  });

  it('a real-time config with 50 ms polls gives 50 ms sleeps', () => {
    const p = { fastInterval: 0.05, fastFor: 0, slowInterval: 0.05, timeout: 10 };
    const d = planSleep(p, 1_000_010, 1_000_000, 0);
    assert.ok(d > 0 && d <= 50, String(d));
  });
});
