// Monitors of one repository share their list requests through the cache file in the state folder:
// ten commits in flight cost about what one costs, and a 429 seen by one holds them all.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileStatusStore } from '../../src/core/statusStore.js';
import { runMonitor } from '../../src/monitor/run.js';
import { fileListCache } from '../../src/sources/digitalocean/cache.js';
import { createDigitalOceanSource } from '../../src/sources/digitalocean/source.js';
import { start, type Fault, type FakeDeployment } from '../fakes/doApi.js';
import { VirtualClock } from '../helpers/virtualClock.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const sha = (i: number) => (i + 1).toString(16).padStart(40, 'c');
const dep = (i: number): FakeDeployment => ({
  id: `d${i}`,
  sha: sha(i),
  phases: [
    [10_000 + i * 500, 'BUILDING'],
    [200_000 + i * 3_000, 'ACTIVE'],
  ],
});
const POLLING = { fastInterval: 5, fastFor: 60, slowInterval: 15, timeout: 1800 };

async function fleet(
  n: number,
  faults: Fault[] = [],
): Promise<{ requests: number; statuses: number[]; states: string[] }> {
  const clock = new VirtualClock(T0);
  const api = await start(
    { appId: 'app', token: 't', deployments: Array.from({ length: n }, (_, i) => dep(i)), faults },
    { now: clock.now },
  );
  const dir = mkdtempSync(join(tmpdir(), 'dw-shared-'));
  try {
    const store = new FileStatusStore(dir);
    const records = await clock.all(
      Array.from(
        { length: n },
        (_, i) => () =>
          runMonitor({
            sha: sha(i),
            branch: 'main',
            remote: 'origin',
            pid: process.pid,
            store,
            polling: POLLING,
            now: clock.now,
            sleep: clock.sleep,
            signal: new AbortController().signal,
            // Each monitor has its own source and cache object, as separate processes would: only the folder is shared.
            sources: [
              createDigitalOceanSource({
                apiUrl: api.url,
                token: 't',
                appId: 'app',
                timeoutMs: 5_000,
                perPage: 50,
                now: clock.now,
                random: () => 0.5,
                cache: fileListCache(join(dir, 'cache'), 4_000, clock.now),
                isAncestor: async () => null,
              }),
            ],
          }),
      ),
    );
    return {
      requests: api.apiRequests().length,
      statuses: api.apiRequests().map((r) => r.status),
      states: records.map((r) => r.state),
    };
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('shared polls', () => {
  it('ten commits in flight make at most 1.5 times the requests of one', async () => {
    const one = await fleet(1);
    const ten = await fleet(10);
    assert.deepEqual(ten.states, Array(10).fill('success'));
    assert.ok(ten.requests <= one.requests * 1.5, `${ten.requests} requests for ten vs ${one.requests} for one`);
  });

  it('a 429 answered to one monitor holds the others until the reset instead of each hitting it', async () => {
    const ten = await fleet(10, [
      { match: 'deployments?page=1', status: 429, headers: { 'retry-after': '30' }, times: 1_000, until: 30_000 },
    ]);
    assert.deepEqual(ten.states, Array(10).fill('success'));
    assert.equal(ten.statuses.filter((s) => s === 429).length, 1);
  });
});
