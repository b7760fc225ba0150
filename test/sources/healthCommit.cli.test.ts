// Health as the only source, through the built CLI against a real endpoint on 127.0.0.1: a commit is called
// deployed only when the endpoint reports it. Fault held: with only health.url set, `check --wait` answered
// "✓ deployed · HTTP 200 · via health" after one poll while the endpoint still served the previous commit.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliAsync } from '../../support/helpers/cli.js';
import { killUnder, processesUnder } from '../../support/helpers/processes.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';
import type { StatusRecord } from '../../src/store/statusRecord.js';

/** What the app's health endpoint answers now: the commit it serves (in $.commit), or a body naming none. */
let answer: { commit: string } | { status: string } = { status: 'ok' };
let hits = 0;
let server: Server;
let url = '';
const repos: TestRepo[] = [];

before(async () => {
  server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', ...answer }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
});
after(async () => {
  // Everything is cleaned up first, so a failed assertion never leaves the server or a watcher running.
  const stray = repos.flatMap((repo) => processesUnder(repo.root));
  for (const repo of repos) {
    killUnder(repo.root);
    repo.cleanup();
  }
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  assert.deepEqual(stray, [], 'no watcher outlives its commit');
});

/** A repository whose only source is health.url (the template's suggestion), with the deployed commit `old`. */
function healthOnlyRepo(): { repo: TestRepo; old: string; dw: (...args: string[]) => ReturnType<typeof cliAsync> } {
  const repo = makeRepo();
  repos.push(repo);
  writeFileSync(
    join(repo.dir, 'deploy-watch.config.json'),
    JSON.stringify({
      health: { url },
      polling: { fastInterval: 0.05, fastFor: 0, slowInterval: 0.05, timeout: 30, linger: 0 },
    }),
  );
  const dw = (...args: string[]) => cliAsync(args, { cwd: repo.dir, env: repo.env, timeoutMs: 40_000 });
  return { repo, old: repo.git('rev-parse', 'HEAD'), dw };
}

const recordOf = (repo: TestRepo, sha: string): StatusRecord | null => {
  try {
    return JSON.parse(readFileSync(join(repo.dir, '.git', 'deploy-watch', 'runs', `${sha}.json`), 'utf8'));
  } catch {
    return null;
  }
};

async function until<T>(what: string, probe: () => T | null | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('health: deployed only when the endpoint reports the commit', () => {
  it('check --wait stays in progress while the old commit serves, and answers deployed once the new one does', async () => {
    const { repo, old, dw } = healthOnlyRepo();
    const sha = repo.commit('the new version');
    repo.git('push', '-q', 'origin', 'main');
    answer = { commit: old };
    const waiting = dw('check', sha, '--wait', '25');
    // The monitor check --wait started has polled: what did it make of the old version serving?
    const seen = await until('the first poll of the new commit', () => {
      const r = recordOf(repo, sha);
      return r && r.polls > 0 ? r : null;
    });
    assert.equal(seen.state, 'deploying', `the old version serves, so not deployed yet: ${JSON.stringify(seen)}`);
    assert.equal(seen.phase, `serving ${old.slice(0, 7)}`);
    assert.equal(seen.source, 'health');
    answer = { commit: sha };
    const r = await waiting;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`✓ deployed ${sha.slice(0, 7)} .*HTTP 200 · via health`));
    assert.match(r.stdout, new RegExp(`the health endpoint reports commit ${sha.slice(0, 7)} \\(\\$\\.commit\\)`));
    const final = recordOf(repo, sha)!;
    assert.equal(final.state, 'success');
    assert.ok(final.polls >= 2, `success came on a later poll (${final.polls})`);
    await until('the watcher to leave', () => processesUnder(repo.root).length === 0);
  });

  it('a later push serving that contains this commit (the next push landed first) deploys it too', async () => {
    const { repo, dw } = healthOnlyRepo();
    const sha = repo.commit('pushed first');
    const next = repo.commit('pushed right after, deployed in its place');
    repo.git('push', '-q', 'origin', 'main');
    answer = { commit: next };
    const r = await dw('monitor', sha);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const record = recordOf(repo, sha)!;
    assert.equal(record.state, 'success');
    assert.equal(
      record.message,
      `the health endpoint reports commit ${next.slice(0, 7)} ($.commit), a later commit that contains this one`,
    );
    await until('the watcher to leave', () => processesUnder(repo.root).length === 0);
  });

  it('an endpoint that names no commit never says deployed: the record ends stopped with the cause, check exits 3', async () => {
    const { repo, dw } = healthOnlyRepo();
    const sha = repo.commit('the new version');
    repo.git('push', '-q', 'origin', 'main');
    answer = { status: 'ok' };
    const hitsBefore = hits;
    const began = Date.now();
    const monitor = await dw('monitor', sha);
    const took = Date.now() - began;
    assert.equal(monitor.code, 3, monitor.stdout + monitor.stderr);
    const record = recordOf(repo, sha)!;
    assert.equal(record.state, 'stopped');
    assert.match(
      record.message ?? '',
      /^no source can answer: health: The health endpoint is up \(HTTP 200\) but names no commit, so it cannot tell whether this commit deployed\. Set health\.commit/,
    );
    assert.equal(hits - hitsBefore, 1, 'one poll: asking again tells no more');
    const check = await dw('check', sha);
    assert.equal(check.code, 3);
    assert.match(
      check.stdout,
      /^\? Not watched to the end: health: The health endpoint is up \(HTTP 200\) but names no commit.*Set health\.commit/,
    );
    assert.doesNotMatch(check.stdout, /deployed ·|✓/);
    const json = JSON.parse((await dw('--json', 'check', sha)).stdout) as { exitCode: number; message: string };
    assert.equal(json.exitCode, 3);
    assert.match(json.message, /names no commit/);
    console.log(`# names no commit: monitor ended in ${took} ms after ${record.polls} poll(s)`);
    await until('the watcher to leave', () => processesUnder(repo.root).length === 0);
  });
});
