// Fault: a timeout record did not say that rate limits or a hung API caused it: "no outcome within 2s"
// alone sends the user to the deployment, when the watcher never got an answer. What the user must see:
// how many polls got no answer, and the last reason (a 429, an API that did not answer in time).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Fault } from '../../../support/fakes/doApi.js';
import { cliWorld } from '../../../support/worlds/cliWorld.js';

/** `monitor` of a building deployment while the fake API answers with `fault`: its exit, record message and check. */
async function timedOutUnder(fault: Fault, timeout: number) {
  let sha = '';
  const w = await cliWorld(
    (repo) => ({
      deployments: [{ id: 'd1', sha: (sha = repo.git('rev-parse', 'HEAD')), phases: [[0, 'BUILDING']] }],
      faults: [fault],
    }),
    { config: { polling: { timeout } } },
  );
  try {
    const r = await w.dw('monitor', sha);
    const check = await w.dw('check', sha);
    return { code: r.code, state: w.record(sha)?.state, message: w.record(sha)?.message ?? '', check: check.stdout };
  } finally {
    await w.close();
  }
}

describe('fault: a timeout caused by rate limits or a hung API', () => {
  it('the timeout record names the polls that got no answer and the 429', async () => {
    const r = await timedOutUnder({ match: '/deployments', status: 429, times: 1_000 }, 2);
    assert.equal(r.code, 1);
    assert.equal(r.state, 'timeout');
    const cause =
      /\d+ of \d+ polls got no answer, the last: digitalocean: (DigitalOcean rate limit reached|waiting \d+s before the next DigitalOcean request \(rate-limited: HTTP 429)/;
    assert.match(r.message, /^no outcome within 2s \(polling\.timeout\); last seen: \w+; /);
    assert.match(r.message, cause);
    assert.match(r.check, cause, 'check shows it');
  });

  it('and a hung API: the requests that got no answer in time', async () => {
    // Slower than the request timeout (1 s at these intervals): every list request is given up on.
    const r = await timedOutUnder({ match: '/deployments', delayMs: 5_000, times: 1_000 }, 3);
    assert.equal(r.code, 1);
    assert.match(
      r.message,
      /; \d+ of \d+ polls got no answer, the last: digitalocean: (DigitalOcean API gave no answer within 1000 ms|waiting \d+s before the next DigitalOcean request \(backing off after failed requests)/,
    );
  });
});
