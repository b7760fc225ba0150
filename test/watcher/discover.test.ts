// serve's discovery on a real file store and a driven clock: which deployments it files, when, and how
// they are signed; and the health probe's answer.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FileStatusStore } from '../../src/store/files/fileStatusStore.js';
import { newRecord } from '../../src/store/statusRecord.js';
import { ANNOUNCE_GRACE_MS, createDiscovery, UNANNOUNCED } from '../../src/watcher/discover.js';
import { healthAnswer, STUCK_AFTER_MS } from '../../src/watcher/serveHealth.js';
import type { SeenDeployment, Source } from '../../src/sources/source.js';
import { makeTempDir } from '../../support/helpers/repo.js';

const SHA = (n: number) => n.toString(16).padStart(40, 'a');
const T0 = Date.parse('2026-03-02T10:00:00Z');

/** A source whose list is whatever the test says now (null: it cannot answer). */
function listing(list: () => SeenDeployment[] | null): Source {
  return {
    name: 'digitalocean',
    observe: async () => ({ kind: 'unavailable', reason: 'not used' }),
    recent: async () => list(),
  };
}

function setup(list: () => SeenDeployment[] | null) {
  const dir = makeTempDir();
  let now = T0;
  const clock = { now: () => now, sleep: async () => undefined };
  const store = new FileStatusStore(dir, clock);
  const logged: Array<[string, Record<string, unknown>]> = [];
  const discovery = createDiscovery({
    store,
    sources: [listing(list)],
    now: clock.now,
    since: T0 - 60_000,
    branch: 'main',
    log: (event, fields) => logged.push([event, fields]),
  });
  return {
    store,
    discovery,
    logged,
    advance: (ms: number) => (now += ms),
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

describe('serve: discovery of deployments no hook announced', () => {
  it('files a new commit after the grace, signed unannounced with who caused it, once', async () => {
    const list: SeenDeployment[] = [{ id: 'd1', commit: SHA(1), createdAt: at(1_000), by: 'Jane Doe' }];
    const w = setup(() => list);
    try {
      assert.equal(await w.discovery.look(), true);
      assert.deepEqual(await w.store.followRequests(), [], 'a hook may still announce it');
      w.advance(ANNOUNCE_GRACE_MS);
      await w.discovery.look();
      const [request] = await w.store.followRequests();
      assert.deepEqual(
        { sha: request?.sha, host: request?.host, pushedBy: request?.pushedBy, branch: request?.branch },
        { sha: SHA(1), host: UNANNOUNCED, pushedBy: 'Jane Doe', branch: 'main' },
      );
      await w.store.dropFollowRequest(SHA(1)); // taken by the watcher
      w.advance(10_000);
      await w.discovery.look();
      assert.deepEqual(await w.store.followRequests(), [], 'filed once');
      assert.deepEqual(
        w.logged.map(([e]) => e),
        ['discovered'],
      );
    } finally {
      w.done();
    }
  });

  it('leaves alone a commit with a record, one in the inbox, one too old, and one deployment per commit of two apps', async () => {
    const list: SeenDeployment[] = [
      { id: 'd-recorded', commit: SHA(1), createdAt: at(0), by: null },
      { id: 'd-inbox', commit: SHA(2), createdAt: at(0), by: null },
      { id: 'd-old', commit: SHA(3), createdAt: at(-3_600_000), by: null },
      { id: 'd-api', commit: SHA(4), createdAt: at(0), by: null },
      { id: 'd-web', commit: SHA(4), createdAt: at(0), by: null },
    ];
    const w = setup(() => list);
    try {
      await w.store.write(newRecord({ sha: SHA(1), state: 'success' }, at(0)));
      await w.store.requestFollow({ sha: SHA(2), branch: 'main', remote: 'origin', requestedAt: at(0), host: 'm-0' });
      await w.discovery.look();
      w.advance(ANNOUNCE_GRACE_MS);
      await w.discovery.look();
      const requests = await w.store.followRequests();
      assert.deepEqual(requests.map((r) => [r.sha, r.host]).sort(), [
        [SHA(2), 'm-0'],
        [SHA(4), UNANNOUNCED],
      ]);
      assert.equal(requests.find((r) => r.sha === SHA(4))?.pushedBy, null, 'nobody known: null, not this machine');
    } finally {
      w.done();
    }
  });

  it('skips a deployment without a commit with one log line; a list that cannot be read files nothing', async () => {
    let list: SeenDeployment[] | null = [{ id: 'd-image', commit: null, createdAt: at(0), by: null }];
    const w = setup(() => list);
    try {
      await w.discovery.look();
      w.advance(ANNOUNCE_GRACE_MS);
      await w.discovery.look();
      assert.deepEqual(w.logged, [['skip', { deploymentId: 'd-image', commit: null, reason: 'no commit' }]]);
      list = null;
      assert.equal(await w.discovery.look(), false);
      assert.deepEqual(await w.store.followRequests(), []);
    } finally {
      w.done();
    }
  });
});

describe('serve: the health answer', () => {
  const state = { host: 'h', holdsLease: true, following: 2, lastPollAt: T0, lastTickAt: T0 };

  it('200 ok while the loop ticks; 503 before its first tick and once it stops ticking', () => {
    assert.deepEqual(healthAnswer(state, T0 + 1_000), {
      code: 200,
      body: {
        status: 'ok',
        host: 'h',
        holdsLease: true,
        following: 2,
        lastPollAt: at(0),
        lastTickAt: at(0),
      },
    });
    assert.equal(healthAnswer({ ...state, lastTickAt: null }, T0).body.status, 'starting');
    assert.equal(healthAnswer({ ...state, lastTickAt: null }, T0).code, 503);
    const stuck = healthAnswer(state, T0 + STUCK_AFTER_MS + 1);
    assert.deepEqual([stuck.code, stuck.body.status], [503, 'stuck']);
  });
});
