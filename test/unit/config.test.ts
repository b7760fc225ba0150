import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';

describe('config', () => {
  it('fills every default from an empty object', () => {
    const c = parseConfig({}, 'defaults', {});
    assert.equal(c.branch, 'main');
    assert.equal(c.remote, 'origin');
    assert.deepEqual(c.polling, { fastInterval: 5, fastFor: 60, slowInterval: 15, timeout: 1800, linger: 30 });
    assert.equal(c.conflicts.maxAttempts, 5);
    assert.equal(c.cleanup.days, 7);
    assert.equal(c.doApiUrl, 'https://api.digitalocean.com');
    assert.deepEqual(c.secrets, { doToken: null, databaseUrl: null });
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
});
