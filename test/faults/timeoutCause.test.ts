// Fault: a timeout record did not say that rate limits or a hung API caused it: "no outcome within 2s"
// alone sends the user to the deployment, when the watcher never got an answer. What the user must see:
// how many polls got no answer, and the last reason (a 429, an API that did not answer in time).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliWorld } from '../monitor/cliWorld.js';

describe('fault: a timeout caused by rate limits or a hung API', () => {
  it('the timeout record names the polls that got no answer and the 429', async () => {
    let sha = '';
    const w = await cliWorld(
      (repo) => ({
        deployments: [{ id: 'd1', sha: (sha = repo.git('rev-parse', 'HEAD')), phases: [[0, 'BUILDING']] }],
        faults: [{ match: '/deployments', status: 429, times: 1_000 }],
      }),
      { config: { polling: { timeout: 2 } } },
    );
    try {
      const r = await w.dw('monitor', sha);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const record = w.record(sha)!;
      assert.equal(record.state, 'timeout');
      assert.match(
        record.message ?? '',
        /^no outcome within 2s \(polling\.timeout\); last seen: \w+; \d+ of \d+ polls got no answer, the last: digitalocean: (DigitalOcean rate limit reached|waiting \d+s before the next DigitalOcean request \(rate-limited: HTTP 429)/,
      );
      const check = await w.dw('check', sha);
      assert.match(
        check.stdout + check.stderr,
        /polls got no answer, the last: digitalocean: .*(rate limit reached|rate-limited: HTTP 429)/,
      );
    } finally {
      await w.close();
    }
  });

  it('and a hung API: the requests that got no answer in time', async () => {
    let sha = '';
    const w = await cliWorld(
      (repo) => ({
        deployments: [{ id: 'd1', sha: (sha = repo.git('rev-parse', 'HEAD')), phases: [[0, 'BUILDING']] }],
        // Slower than the request timeout (1 s at these intervals): every list request is given up on.
        faults: [{ match: '/deployments', delayMs: 5_000, times: 1_000 }],
      }),
      { config: { polling: { timeout: 3 } } },
    );
    try {
      const r = await w.dw('monitor', sha);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(
        w.record(sha)?.message ?? '',
        /; \d+ of \d+ polls got no answer, the last: digitalocean: (DigitalOcean API gave no answer within 1000 ms|waiting \d+s before the next DigitalOcean request \(backing off after failed requests)/,
      );
    } finally {
      await w.close();
    }
  });
});
