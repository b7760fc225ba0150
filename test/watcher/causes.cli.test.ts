// check's answer when DigitalOcean refuses for good (issue 19, item 4): the cause and its fix in check's
// first line and in JSON's message, no "trying the next source" when there is none, no advice to resume
// what would stop the same way, and `check --wait` ending at the stopped record, not at its deadline.
// Also a user's `manage stop` (said who), DigitalOcean's own failure reason, and a real success message.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { CheckJson } from '../../src/commands/check/render.js';
import { holds, SHAPES } from '../../support/helpers/jsonShapes.js';
import { cliWorld, strayProcesses } from '../../support/worlds/cliWorld.js';

const SLOW = { fastInterval: 0.05, fastFor: 0, slowInterval: 0.05, timeout: 60 };

after(() => assert.deepEqual(strayProcesses(), [], 'no deploy-watch process may outlive the tests'));

const firstLine = (text: string) => text.split('\n')[0] ?? '';

describe('check names a permanent cause and its fix, and --wait ends at it', () => {
  it('a rejected token (401): check --wait 60 returns at the stopped record, the cause and fix first, the same in JSON', async (t) => {
    let sha = '';
    const w = await cliWorld(
      (repo) => ({ deployments: [{ id: 'd', sha: (sha = repo.git('rev-parse', 'HEAD')), phases: [[0, 'ACTIVE']] }] }),
      { token: 'dop_v1_expired' },
    );
    try {
      // HEAD is on origin/main and nobody watches it: check --wait hands it to a watcher, which gets a 401.
      const begun = Date.now();
      const waited = await w.dw('check', sha, '--wait', '60', '--json');
      const returnedAt = Date.now();
      const record = w.record(sha);
      assert.equal(record?.state, 'stopped', waited.stdout + waited.stderr);
      const stoppedAt = Date.parse(record.finishedAt ?? '');
      // The event it ends on is the stopped record: measured from its finishedAt, not from a sleep.
      assert.ok(
        returnedAt - stoppedAt < 5_000,
        `check --wait returned ${returnedAt - stoppedAt} ms after the record was stopped (waited ${returnedAt - begun} ms in all)`,
      );
      assert.ok(returnedAt - begun < 30_000, `waited ${returnedAt - begun} ms of the 60 s`);
      t.diagnostic(`returned ${returnedAt - stoppedAt} ms after the stopped record, ${returnedAt - begun} ms in all`);
      assert.equal(waited.code, 3);
      const json = JSON.parse(waited.stdout) as CheckJson;
      holds(json, SHAPES['check --json']!); // the record's new `cause` is part of the contract
      assert.equal(json.unknown, 'stopped');
      assert.match(record.cause ?? '', /^digitalocean: DigitalOcean rejected the token \(HTTP 401/);
      assert.match(
        json.message,
        /^Not watched to the end: digitalocean: DigitalOcean rejected the token \(HTTP 401: Unable to authenticate you\.\): it is wrong, expired or revoked\. Set DIGITALOCEAN_ACCESS_TOKEN/,
      );
      assert.doesNotMatch(json.message, /Trying the next source/i, 'there is no next source');
      assert.doesNotMatch(record.message ?? '', /Trying the next source/i);
      assert.doesNotMatch(json.message, /Resume with/, 'resuming would stop the same way');

      const human = await w.dw('check', sha);
      assert.equal(human.code, 3);
      assert.equal(firstLine(human.stdout), `? ${json.message}`, 'the first line is JSON message, cause and fix');
    } finally {
      await w.close();
    }
  });

  it('an unknown app (404): the first line says so and names digitalocean.appId', async () => {
    let sha = '';
    const w = await cliWorld(
      (repo) => ({ deployments: [{ id: 'd', sha: (sha = repo.git('rev-parse', 'HEAD')), phases: [[0, 'ACTIVE']] }] }),
      { config: { digitalocean: { appId: 'app-gone' } } },
    );
    try {
      const begun = Date.now();
      const r = await w.dw('check', sha, '--wait', '60');
      assert.ok(Date.now() - begun < 30_000, `waited ${Date.now() - begun} ms of the 60 s`);
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(
        firstLine(r.stdout),
        /^\? Not watched to the end: digitalocean: DigitalOcean answered HTTP 404 .*no such app for this token\. Fix digitalocean\.appId/,
      );
      assert.doesNotMatch(r.stdout, /Resume with|Trying the next source/i);
      const json = JSON.parse((await w.dw('check', sha, '--json')).stdout) as CheckJson;
      assert.equal(`? ${json.message}`, firstLine(r.stdout));
    } finally {
      await w.close();
    }
  });

  it("a user's manage stop ends a waiting check --wait at once, says who stopped it, and how to resume", async (t) => {
    let sha = '';
    const w = await cliWorld(
      (repo) => ({
        deployments: [{ id: 'long', sha: (sha = repo.git('rev-parse', 'HEAD')), phases: [[0, 'BUILDING']] }],
      }),
      { config: { polling: SLOW } },
    );
    try {
      assert.equal((await w.dw('monitor', sha, '--detach')).code, 0);
      await w.waitFor('a building record', () => w.record(sha)?.state === 'building');
      const waiting = w.dw('check', sha, '--wait', '60', '--json');
      const stop = await w.dw('manage', 'stop', sha);
      assert.equal(stop.code, 0, stop.stderr);
      const stoppedAt = Date.now();
      const r = await waiting;
      assert.ok(Date.now() - stoppedAt < 5_000, `check --wait returned ${Date.now() - stoppedAt} ms after the stop`);
      t.diagnostic(`returned ${Date.now() - stoppedAt} ms after manage stop returned`);
      assert.equal(r.code, 3, r.stdout + r.stderr);
      const json = JSON.parse(r.stdout) as CheckJson;
      assert.equal(json.unknown, 'stopped');
      // Who stopped it, whether check read the watcher's record or the one manage stop completed with stoppedBy.
      assert.match(json.message, /stopped by deploy-watch manage stop by .+@.+/);
      assert.match(json.message, new RegExp(`Resume with: deploy-watch monitor ${sha.slice(0, 7)} --detach`));
    } finally {
      await w.close();
    }
  });
});

describe("check's message on an outcome", () => {
  it("a failure keeps DigitalOcean's own reason (on the failed stage) in JSON's message and the first line", async () => {
    let sha = '';
    const w = await cliWorld((repo) => ({
      deployments: [
        {
          id: 'broken',
          sha: (sha = repo.git('rev-parse', 'HEAD')),
          phases: [
            [0, 'BUILDING'],
            [100, 'ERROR'],
          ],
          stageReason: { code: 'BuildJobFailed', message: 'Your build job failed during the build phase.' },
          logs: { BUILD: 'npm ERR! missing script: build\n' },
        },
      ],
    }));
    try {
      const r = await w.dw('check', sha, '--wait', '30');
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(firstLine(r.stdout), /^✗ failed [0-9a-f]{7} .*: Your build job failed during the build phase\./);
      assert.match(r.stdout, /Last \d+ lines of the log/);
      const json = JSON.parse((await w.dw('check', sha, '--json')).stdout) as CheckJson;
      assert.match(
        json.message,
        /^[0-9a-f]{7} failed: deployment failed at build › components › api \(Building service api\): Your build job failed during the build phase\.$/,
      );
    } finally {
      await w.close();
    }
  });

  it('a success has a real message, not an empty one', async () => {
    let sha = '';
    const w = await cliWorld((repo) => ({
      deployments: [{ id: 'good', sha: (sha = repo.git('rev-parse', 'HEAD')), phases: [[0, 'ACTIVE']] }],
    }));
    try {
      const r = await w.dw('check', sha, '--wait', '30', '--json');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const json = JSON.parse(r.stdout) as CheckJson;
      assert.equal(json.message, `Deployed ${sha.slice(0, 7)}: deployment good · ACTIVE · via digitalocean.`);
    } finally {
      await w.close();
    }
  });
});
