// Fault: polling intervals without bounds. 1e-9 s spent the team's DigitalOcean budget in seconds, 1e10 s
// overflowed setTimeout into 1 ms sleeps (thousands of record writes), 1e400 (Infinity) was accepted.
// What the user must see: the config refused, exit 78, the key and its bound named; and no sleep, however
// long, fires early.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { MAX_TIMER_MS, realSleep, timerMs } from '../../../src/kernel/clock.js';
import { parseConfig } from '../../../src/kernel/config/config.js';
import { ConfigError } from '../../../src/kernel/errors.js';
import { cli } from '../../../support/helpers/cli.js';
import { makeRepo, type TestRepo } from '../../../support/helpers/repo.js';

describe('fault: config numbers out of bounds', () => {
  let repo: TestRepo;
  let sha: string;
  before(() => {
    repo = makeRepo();
    sha = repo.commit('watched');
  });
  after(() => repo.cleanup());

  /** `monitor <sha>` with this config text; a closed loopback port stands in for the API, should it run. */
  const monitorWith = (configText: string) => {
    writeFileSync(join(repo.dir, 'deploy-watch.config.json'), configText);
    return cli(['monitor', sha], {
      cwd: repo.dir,
      env: { ...repo.env, DIGITALOCEAN_ACCESS_TOKEN: 'dop_v1_x', DEPLOY_WATCH_DO_API_URL: 'http://127.0.0.1:9' },
      timeoutMs: 20_000,
    });
  };

  const cases: Array<[string, string, RegExp]> = [
    ['a tiny fastInterval (1e-9)', '{"fastInterval": 1e-9}', /"polling\.fastInterval" must be at least 0\.01 seconds/],
    ['a huge fastInterval (1e10)', '{"fastInterval": 1e10}', /"polling\.fastInterval" must be at most 3600 seconds/],
    [
      'an infinite slowInterval (1e400)',
      '{"slowInterval": 1e400}',
      /"polling\.slowInterval" must be at most 3600 seconds/,
    ],
    ['a timeout past a day', '{"timeout": 1e7}', /"polling\.timeout" must be at most 86400 seconds/],
    [
      'a slowInterval below fastInterval',
      '{"fastInterval": 60, "slowInterval": 5}',
      /"polling\.slowInterval" must be at least "fastInterval"/,
    ],
  ];
  for (const [name, polling, expected] of cases) {
    it(`${name} is refused through the built CLI: exit 78, the bound named`, () => {
      const r = monitorWith(`{"digitalocean": {"appId": "app-1"}, "polling": ${polling}}`);
      assert.equal(r.code, 78, r.stderr);
      assert.match(r.stderr, expected);
    });
  }

  it('other numbers are bounded too: lease, turnTimeout, backoff, cleanup days, source timeouts', () => {
    const refused: Array<[unknown, RegExp]> = [
      [{ team: { lease: Number.POSITIVE_INFINITY } }, /"team\.lease" must be at most 600 seconds/],
      [{ conflicts: { turnTimeout: 1e10 } }, /"conflicts\.turnTimeout" must be at most 3600 seconds/],
      [{ conflicts: { backoffCap: Number.POSITIVE_INFINITY } }, /"conflicts\.backoffCap" must be at most 3600 seconds/],
      [{ conflicts: { backoffBase: 0 } }, /"conflicts\.backoffBase" must be more than 0 seconds/],
      [{ cleanup: { days: Number.POSITIVE_INFINITY } }, /"cleanup\.days" must be at most 3650 days/],
      [{ health: { url: 'http://127.0.0.1:1/', timeout: 1e10 } }, /"health\.timeout" must be at most 300 seconds/],
      [{ database: { timeout: Number.POSITIVE_INFINITY } }, /"database\.timeout" must be at most 300 seconds/],
      [
        { digitalocean: { appId: 'a', logBudget: Number.POSITIVE_INFINITY } },
        /"digitalocean\.logBudget" must be at most 3600 seconds/,
      ],
    ];
    for (const [raw, expected] of refused)
      assert.throws(
        () => parseConfig(raw, 'cfg.json', {}),
        (e: unknown) => e instanceof ConfigError && e.exitCode === 78 && expected.test(e.message),
        JSON.stringify(raw),
      );
  });

  it("polls DigitalOcean faster than 1 s only through an API on this machine, never DigitalOcean's own", () => {
    const fast = { digitalocean: { appId: 'app-1' }, polling: { fastInterval: 0.05, slowInterval: 0.05 } };
    assert.throws(
      () => parseConfig(fast, 'cfg.json', {}),
      /"polling\.fastInterval" is 0\.05 seconds; it must be at least 1 against DigitalOcean's API/,
    );
    assert.equal(
      parseConfig(fast, 'cfg.json', { DEPLOY_WATCH_DO_API_URL: 'http://127.0.0.1:8080' }).polling.fastInterval,
      0.05,
    );
    assert.equal(parseConfig({ polling: { fastInterval: 1 } }, 'cfg.json', {}).polling.fastInterval, 1);
    // In the same list as the schema's own problems: one round of fixes, not three.
    assert.throws(
      () => parseConfig({ ...fast, bogus: 1 }, 'cfg.json', {}),
      (error: Error) =>
        /has 3 problems/.test(error.message) &&
        /"bogus" is not a known key/.test(error.message) &&
        /"polling\.fastInterval" is 0\.05 seconds/.test(error.message) &&
        /"polling\.slowInterval" is 0\.05 seconds/.test(error.message),
    );
    // A health endpoint or database is the team's own server: no DigitalOcean budget to protect.
    const healthOnly = { health: { url: 'https://example.com/health' }, polling: fast.polling };
    assert.equal(parseConfig(healthOnly, 'cfg.json', {}).polling.fastInterval, 0.05);
  });
});

describe('fault: a sleep longer than a timer can hold', () => {
  it('clamps every timer delay to 2^31-1 ms, and NaN or a negative to 0', () => {
    assert.equal(timerMs(1e13), MAX_TIMER_MS);
    assert.equal(timerMs(Number.POSITIVE_INFINITY), MAX_TIMER_MS);
    assert.equal(timerMs(Number.NaN), 0);
    assert.equal(timerMs(-5), 0);
    assert.equal(timerMs(250), 250);
  });

  it('a 1e10 s sleep does not fire early (Node fires an overflowing timer after 1 ms)', () => {
    // In a child process, so the long sleep cannot keep this test alive. Timers fire in order of expiry:
    // an overflowed one (1 ms) would beat the 50 ms one every time.
    const clock = new URL('../../../src/kernel/clock.js', import.meta.url).href;
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { realSleep } = await import(${JSON.stringify(clock)});
         realSleep(1e13).then(() => { console.log('fired early'); process.exit(1); });
         setTimeout(() => process.exit(0), 50);`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /TimeoutOverflowWarning/);
  });

  it('and it does end, after its whole length, in timers of at most 2^31-1 ms', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let done = false;
      void realSleep(3 * MAX_TIMER_MS + 5).then(() => (done = true));
      for (let i = 0; i < 3; i++) {
        mock.timers.tick(MAX_TIMER_MS);
        await Promise.resolve();
        assert.equal(done, false, `still asleep after ${i + 1} full timers`);
      }
      mock.timers.tick(5);
      await new Promise<void>((resolve) => setImmediate(resolve));
      assert.equal(done, true);
    } finally {
      mock.timers.reset();
    }
  });
});
