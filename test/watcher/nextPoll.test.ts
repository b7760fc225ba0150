// A record in progress promises when the next one comes (nextPollBy), and check calls a live watcher frozen
// once it is well past that. A poll may take as long as its sources' timeouts (health and database allow up
// to 300 s), so the promise counts them: a watcher waiting on a slow endpoint is not frozen.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileStatusStore } from '../../src/store/files/fileStatusStore.js';
import { followCommit } from '../../src/watcher/follow.js';
import { createHealthSource } from '../../src/sources/health.js';
import { makeTempDir } from '../../support/helpers/repo.js';

describe('the next-poll promise', () => {
  it("counts the sources' timeouts: a health endpoint that may take 120 s is not a frozen watcher at 60 s", async () => {
    const server = createServer(() => undefined); // answers nothing: the poll waits for its timeout
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const store = new FileStatusStore(join(makeTempDir('dw-nextpoll-'), 'deploy-watch'));
    const sha = 'a'.repeat(40);
    const T = Date.parse('2026-12-06T12:00:00Z');
    const controller = new AbortController();
    let started!: () => void;
    const first = new Promise<void>((resolve) => (started = resolve));
    const running = followCommit({
      sha,
      branch: 'main',
      remote: 'origin',
      pid: process.pid,
      sources: [createHealthSource({ url: `http://127.0.0.1:${port}/health`, timeoutMs: 120_000 })],
      store,
      polling: { fastInterval: 5, fastFor: 60, slowInterval: 15, timeout: 1800 },
      now: () => T,
      sleep: () => new Promise(() => undefined),
      signal: controller.signal,
      onStarted: async () => started(),
    });
    try {
      await first;
      const read = await store.read(sha);
      assert.equal(read.status, 'ok');
      const promised = Date.parse((read.status === 'ok' && read.record.nextPollBy) || '');
      assert.ok(promised >= T + 120_000, `nextPollBy ${promised - T} ms after the write, the poll may take 120 s`);
    } finally {
      controller.abort('test over');
      server.closeAllConnections();
      server.close();
      await running;
    }
  });
});
