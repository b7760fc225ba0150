// A saved build/deploy log is only ever replaced by a more complete one; a partial log is shown at once,
// marked partial; a log fetch whose watcher was SIGKILLed is said to be interrupted once its time is past,
// and `logs` repairs it. Through the built CLI, the real watcher, and the fake App Platform API.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, cliAsync } from '../../support/helpers/cli.js';
import { isAlive } from '../../support/helpers/state.js';
import type { FakeDeployment } from '../../support/fakes/doApi.js';
import { cliWorld, strayProcesses, type CliWorld } from '../../support/worlds/cliWorld.js';

after(() => assert.deepEqual(strayProcesses(), [], 'no deploy-watch process may outlive the tests'));

const BUILD_LOG = `${Array.from({ length: 25 }, (_, i) => `build line ${i + 1}`).join('\n')}\nnpm ERR! the real build error\n`;
const DEPLOY_LOG = 'starting web\nError: listen EADDRINUSE :8080\n';

/** A deployment whose build failed: only a BUILD log (the DEPLOY stage never ran). */
function failedBuild(id: string, sha: string): FakeDeployment {
  return {
    id,
    sha,
    phases: [
      [0, 'BUILDING'],
      [200, 'ERROR'],
    ],
    logs: { BUILD: BUILD_LOG },
  };
}

/** A deployment that failed in its deploy stage: a BUILD and a DEPLOY log (the DEPLOY one archived at `deployAt`). */
function failedDeploy(id: string, sha: string, deployAt?: number): FakeDeployment {
  return {
    id,
    sha,
    phases: [
      [0, 'BUILDING'],
      [200, 'ERROR'],
    ],
    failedIn: 'deploy',
    logs: { BUILD: BUILD_LOG, DEPLOY: DEPLOY_LOG },
    ...(deployAt !== undefined ? { archivedAtByType: { DEPLOY: deployAt } } : {}),
  };
}

/** A port nothing listens on: DigitalOcean unreachable (connection refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function setLogBudget(w: CliWorld, seconds: number): void {
  const file = join(w.repo.dir, 'deploy-watch.config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as { digitalocean: Record<string, unknown> };
  config.digitalocean.logBudget = seconds;
  writeFileSync(file, JSON.stringify(config));
}

/** `deploy-watch logs` with another token or API address: what a user with an expired token or no network runs. */
function logsWith(w: CliWorld, env: NodeJS.ProcessEnv, ...args: string[]) {
  return cliAsync(['logs', ...args], { cwd: w.repo.dir, env: { ...w.env, ...env }, timeoutMs: 20_000 });
}

describe('a saved log is only ever replaced by a more complete one', () => {
  it('a complete saved log: `logs` with an expired token or an unreachable API prints it at once (exit 0), the file and check unchanged', async () => {
    let sha = '';
    const w = await cliWorld(
      (repo) => ({
        deployments: [failedBuild('d1', (sha = repo.git('rev-parse', 'HEAD')))],
      }),
      { config: { digitalocean: { appId: 'app-1', logBudget: 5 } } },
    );
    try {
      const monitored = await w.dw('monitor', sha);
      assert.equal(monitored.code, 1, monitored.stderr);
      assert.equal(w.record(sha)?.logs?.state, 'fetched');
      const file = w.store.paths(sha).log;
      const saved = readFileSync(file, 'utf8');
      assert.match(saved, /npm ERR! the real build error/);
      const unreachable = `http://127.0.0.1:${await closedPort()}`;
      for (const env of [{ DIGITALOCEAN_ACCESS_TOKEN: 'expired' }, { DEPLOY_WATCH_DO_API_URL: unreachable }]) {
        const started = Date.now();
        const r = await logsWith(w, env, sha);
        assert.equal(r.code, 0, `${JSON.stringify(env)}: ${r.stdout}${r.stderr}`);
        assert.match(r.stdout, /build line 25\nnpm ERR! the real build error\n/);
        assert.ok(Date.now() - started < 5_000, 'at once, not after the log budget');
        assert.equal(readFileSync(file, 'utf8'), saved, `the saved log survives ${JSON.stringify(env)}`);
        const check = await w.dw('check', sha);
        assert.equal(check.code, 1);
        assert.match(check.stdout, /npm ERR! the real build error/);
        assert.doesNotMatch(check.stdout, /logs are missing/);
      }
      // A record an older version wrote (it does not name the saved parts): `logs` fetches every stage again.
      // A 401 then replaces nothing; and a log that version cut on a full disk gives way to the whole one.
      const legacy = w.record(sha)!;
      const legacyLogs = { state: 'fetched', until: null, reason: null };
      writeFileSync(w.store.paths(sha).record, JSON.stringify({ ...legacy, logs: legacyLogs }));
      const expired = await logsWith(w, { DIGITALOCEAN_ACCESS_TOKEN: 'expired' }, sha);
      assert.equal(expired.code, 0, expired.stderr);
      assert.match(expired.stdout, /npm ERR! the real build error/);
      assert.equal(readFileSync(file, 'utf8'), saved, "the old record's log survives a 401 too");
      assert.equal(w.record(sha)?.logs?.state, 'fetched', 'and its record still says fetched');
      writeFileSync(file, saved.split('\n').slice(0, 10).join('\n'));
      const refetched = await w.dw('logs', sha);
      assert.equal(refetched.code, 0, refetched.stderr);
      assert.equal(readFileSync(file, 'utf8'), saved, 'the whole log is back');
      assert.deepEqual(w.record(sha)?.logs?.parts, ['BUILD']);
    } finally {
      await w.close();
    }
  });

  it('a partial saved log (DEPLOY never archived): a 401 or an unreachable API keeps it; `logs` prints the BUILD part and exits 0 saying what is missing', async () => {
    let sha = '';
    let d: FakeDeployment | undefined;
    const w = await cliWorld(
      (repo) => ({ deployments: [(d = failedDeploy('d2', (sha = repo.git('rev-parse', 'HEAD')), 600_000))] }),
      {
        config: { digitalocean: { appId: 'app-1', logBudget: 1 } },
      },
    );
    try {
      const monitored = await w.dw('monitor', sha);
      assert.equal(monitored.code, 1, monitored.stderr);
      const record = w.record(sha);
      assert.equal(record?.logs?.state, 'missing');
      assert.deepEqual(record?.logs?.parts, ['BUILD'], 'the BUILD log was saved, the DEPLOY one was not');
      const file = w.store.paths(sha).log;
      const saved = readFileSync(file, 'utf8');
      assert.match(saved, /npm ERR! the real build error/);
      const unreachable = `http://127.0.0.1:${await closedPort()}`;
      for (const env of [{ DIGITALOCEAN_ACCESS_TOKEN: 'expired' }, { DEPLOY_WATCH_DO_API_URL: unreachable }]) {
        const r = await logsWith(w, env, sha);
        assert.equal(r.code, 0, `some part came, so not 3 (${JSON.stringify(env)}): ${r.stderr}`);
        assert.match(r.stdout, /=== BUILD logs of deployment d2 ===\n(.*\n)*npm ERR! the real build error\n/);
        assert.match(
          r.stderr,
          /Waiting for the DEPLOY log|The BUILD log of [0-9a-f]{7} is saved; waiting for the DEPLOY log/,
        );
        assert.match(r.stderr, /Only the BUILD log of [0-9a-f]{7} is here; the rest could not be fetched: DEPLOY: /);
        assert.equal(readFileSync(file, 'utf8'), saved, `a failed fetch replaces nothing (${JSON.stringify(env)})`);
        const check = await w.dw('check', sha);
        assert.match(check.stdout, /Partial log: only the BUILD log is below; the rest is missing: DEPLOY: /);
        assert.match(check.stdout, /npm ERR! the real build error/);
      }
      // Once DigitalOcean has archived the DEPLOY log, the saved log grows to hold both, and the record says so.
      d!.archivedAtByType = undefined;
      const json = JSON.parse((await w.dw('logs', sha, '--json')).stdout) as { outcome: string; parts: string[] };
      assert.deepEqual([json.outcome, json.parts], ['fetched', ['BUILD', 'DEPLOY']]);
      assert.match(
        readFileSync(file, 'utf8'),
        /npm ERR! the real build error\n(.*\n)*Error: listen EADDRINUSE :8080\n/,
      );
      assert.equal(w.record(sha)?.logs?.state, 'fetched');
    } finally {
      await w.close();
    }
  });
});

describe('partial logs are shown at once', () => {
  it('a DEPLOY log slow to archive: check shows the BUILD log at once marked partial; logs prints it at once and says on stderr what it waits for', async () => {
    let sha = '';
    const w = await cliWorld(
      (repo) => ({ deployments: [failedDeploy('d3', (sha = repo.git('rev-parse', 'HEAD')), 600_000)] }),
      {
        config: { digitalocean: { appId: 'app-1', logBudget: 60 } },
      },
    );
    try {
      const monitor = w.spawn('monitor', sha);
      await w.waitFor(
        'the BUILD log saved, the DEPLOY log awaited',
        () => w.record(sha)?.logs?.pending?.[0] === 'DEPLOY',
      );
      const check = await w.dw('check', sha);
      assert.equal(check.code, 1, check.stderr);
      assert.match(
        check.stdout,
        /Partial log: the BUILD log is below; the DEPLOY log is still being fetched \(until \d\d:\d\d:\d\d UTC at the latest\)/,
      );
      assert.match(check.stdout, /npm ERR! the real build error/, 'the error is there while DEPLOY is awaited');
      // An agent's check --wait that runs out of time answers with the error it has.
      const waited = await w.dw('check', sha, '--wait', '1');
      assert.equal(waited.code, 1);
      assert.match(waited.stdout, /npm ERR! the real build error/);

      // `logs` prints the BUILD part at once and says what it waits for, while it still waits.
      const child = spawn(process.execPath, [BIN, 'logs', sha], { cwd: w.repo.dir, env: w.env });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      try {
        await w.waitFor(
          'the BUILD part and the waiting line',
          () => /npm ERR! the real build error/.test(out) && /waiting for the DEPLOY log/.test(err),
        );
        assert.equal(child.exitCode, null, 'printed while still waiting for the DEPLOY log');
        assert.match(
          err,
          /The BUILD log of [0-9a-f]{7} is saved; waiting for the DEPLOY log of deployment d3 from DigitalOcean \(giving up at \d\d:\d\d:\d\d UTC/,
        );
      } finally {
        child.kill('SIGTERM');
      }
      monitor.kill('SIGTERM');
      await w.waitFor('the monitor to end', () => monitor.exitCode !== null || monitor.signalCode !== null);
      // After the budget, `logs` exits 0 with the logs it has (not 3), naming what is missing.
      setLogBudget(w, 1);
      const logs = await w.dw('logs', sha);
      assert.equal(logs.code, 0, logs.stderr);
      assert.match(logs.stdout, /npm ERR! the real build error/);
      assert.match(
        logs.stderr,
        /Only the BUILD log of [0-9a-f]{7} is here; the rest could not be fetched: DEPLOY: gave up within the log budget .*not archived/,
      );
    } finally {
      await w.close();
    }
  });
});

describe('a log fetch whose watcher dies', () => {
  it('the watcher SIGKILLed while DigitalOcean holds its log request: past "until" check says interrupted and what to run; logs repairs the record', async () => {
    let sha = '';
    const w = await cliWorld(
      (repo) => ({
        deployments: [failedBuild('d4', (sha = repo.git('rev-parse', 'HEAD')))],
        faults: [{ match: '/logs?type=BUILD', hold: true, times: 1 }],
      }),
      { config: { digitalocean: { appId: 'app-1', logBudget: 2 } } },
    );
    try {
      const detached = await w.dw('monitor', sha, '--detach');
      assert.equal(detached.code, 0, detached.stderr);
      await w.waitFor('the log request to reach DigitalOcean', () =>
        w.api.requests.some((r) => r.query.includes('type=BUILD')),
      );
      const watcher = w.watcherPid();
      assert.ok(watcher && isAlive(watcher), 'the watcher is fetching');
      process.kill(watcher, 'SIGKILL');
      await w.waitFor('the watcher to die', () => !isAlive(watcher));
      const record = w.record(sha);
      assert.equal(record?.state, 'failed');
      assert.equal(record?.logs?.state, 'fetching', 'what the killed watcher left');
      const until = Date.parse(record?.logs?.until ?? '');
      // Drive time past the fetch's own deadline (2 s, from logBudget) and the grace for its last write.
      await w.waitFor('the fetch deadline to pass', () => Date.now() > until + 5_500, 15_000);
      const check = await w.dw('check', sha);
      assert.equal(check.code, 1, check.stderr);
      assert.doesNotMatch(check.stdout, /being fetched/);
      assert.match(
        check.stdout,
        /The log fetch was interrupted: it was to end by \d\d:\d\d:\d\d UTC, but the monitor stopped or died before it wrote how it went\. Fetch the logs with: deploy-watch logs [0-9a-f]{7}\./,
      );
      // An agent reading JSON learns the same, so it runs `logs` instead of checking again forever.
      const json = JSON.parse((await w.dw('--json', 'check', sha)).stdout) as {
        logsInterrupted?: boolean;
        logsNote?: string;
      };
      assert.equal(json.logsInterrupted, true);
      assert.match(json.logsNote ?? '', /The log fetch was interrupted/);
      const logs = await w.dw('logs', sha);
      assert.equal(logs.code, 0, logs.stderr);
      assert.match(logs.stdout, /npm ERR! the real build error/);
      assert.equal(w.record(sha)?.logs?.state, 'fetched', 'logs repaired the record');
      const after = await w.dw('check', sha);
      assert.doesNotMatch(after.stdout, /interrupted/);
      assert.match(after.stdout, /npm ERR! the real build error/);
    } finally {
      await w.close();
    }
  });
});
