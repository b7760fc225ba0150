import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configuredApps, parseConfig } from '../../../src/kernel/config/config.js';
import { ConfigError } from '../../../src/kernel/errors.js';

describe('config', () => {
  it('fills every default from an empty object', () => {
    const c = parseConfig({}, 'defaults', {});
    assert.equal(c.branch, 'main');
    assert.equal(c.remote, 'origin');
    assert.deepEqual(c.polling, { fastInterval: 5, fastFor: 60, slowInterval: 15, timeout: 1800, linger: 30 });
    assert.equal(c.conflicts.maxAttempts, 5);
    assert.equal(c.cleanup.days, 7);
    assert.equal(c.doApiUrl, 'https://api.digitalocean.com');
    assert.deepEqual(c.secrets, { doToken: null, databaseUrl: null, storeUrl: null });
    assert.equal(c.digitalocean, undefined);
  });

  it('lets env override the file and takes secrets from env only', () => {
    const c = parseConfig({ branch: 'trunk', digitalocean: { appId: 'from-file' } }, 'f.json', {
      DEPLOY_WATCH_BRANCH: 'release',
      DEPLOY_WATCH_APP_ID: 'from-env',
      DIGITALOCEAN_ACCESS_TOKEN: 'dop_v1_secret',
      DATABASE_URL: 'postgres://u:p@127.0.0.1/db',
      DEPLOY_WATCH_DO_API_URL: 'http://127.0.0.1:9999/',
    });
    assert.equal(c.branch, 'release');
    assert.equal(c.digitalocean?.appId, 'from-env');
    assert.equal(c.secrets.doToken, 'dop_v1_secret');
    assert.equal(c.doApiUrl, 'http://127.0.0.1:9999');
  });

  it('rejects secrets in the file, unknown keys and bad values with the key named', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ database: { password: 'hunter2' } }, /"database\.password"/],
      [{ polling: { slowInterval: 0 } }, /"polling\.slowInterval"/],
      [{ colour: true }, /"colour" is not a known key/],
      [{ health: { url: 'not a url' } }, /"health\.url" invalid url/i],
    ];
    for (const [raw, expected] of bad) {
      assert.throws(
        () => parseConfig(raw, 'cfg.json', {}),
        (e: unknown) => e instanceof ConfigError && expected.test(e.message) && e.exitCode === 78,
      );
    }
    assert.throws(() => parseConfig({}, 'x', { DEPLOY_WATCH_DO_API_URL: 'ftp://x' }), /must be an http\(s\) URL/);
  });

  describe('several App Platform apps (digitalocean.apps)', () => {
    const rejects = (raw: unknown, expected: RegExp) =>
      assert.throws(
        () => parseConfig(raw, 'cfg.json', {}),
        (e: unknown) => e instanceof ConfigError && e.exitCode === 78 && expected.test(e.message),
      );

    it('lists the apps with their short names; one appId is one app without a name, as before', () => {
      const apps = [
        { id: 'a-uuid', name: 'api' },
        { id: 'w-uuid', name: 'web' },
      ];
      assert.deepEqual(configuredApps(parseConfig({ digitalocean: { apps } }, 'f', {})), apps);
      assert.deepEqual(configuredApps(parseConfig({ digitalocean: { appId: 'one' } }, 'f', {})), [
        { id: 'one', name: null },
      ]);
      assert.deepEqual(configuredApps(parseConfig({}, 'f', {})), []);
    });

    it('refuses appId and apps together, naming both keys and the fix', () => {
      rejects(
        { digitalocean: { appId: 'one', apps: [{ id: 'w', name: 'web' }] } },
        /^cfg\.json: "digitalocean" has both "appId" and "apps": keep "appId" for one app, or list every app under "apps" .* and remove "appId"/,
      );
    });

    it('refuses a section with neither, a duplicate name, a bad name and an empty list', () => {
      rejects({ digitalocean: { logBudget: 10 } }, /"digitalocean" needs "appId" \(one app\) or "apps"/);
      rejects(
        {
          digitalocean: {
            apps: [
              { id: 'a', name: 'web' },
              { id: 'b', name: 'web' },
            ],
          },
        },
        /"digitalocean\.apps\.1\.name" names "web" twice: give each app its own short name/,
      );
      rejects(
        { digitalocean: { apps: [{ id: 'a', name: 'Web App' }] } },
        /"digitalocean\.apps\.0\.name" must be a short name of lowercase letters, digits and dashes/,
      );
      rejects({ digitalocean: { apps: [] } }, /"digitalocean\.apps" array must contain at least 1 element/i);
      rejects(
        { digitalocean: { apps: [{ id: 'a', name: 'api', branch: 'x' }] } },
        /"digitalocean\.apps\.0\.branch" is not a known key/,
      );
    });

    it("DEPLOY_WATCH_APP_ID still names the one app to watch, over the file's list", () => {
      const c = parseConfig({ digitalocean: { apps: [{ id: 'a', name: 'api' }], logBudget: 30 } }, 'f', {
        DEPLOY_WATCH_APP_ID: 'from-env',
      });
      assert.deepEqual(configuredApps(c), [{ id: 'from-env', name: null }]);
      assert.equal(c.digitalocean?.logBudget, 30);
    });
  });
});
