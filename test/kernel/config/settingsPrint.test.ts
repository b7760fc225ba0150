// The settings fingerprint a hand-over carries (issue 19 item 6): equal settings print the same, a changed
// app id or config differs, a token only ever appears as a keyed hash, and a watcher makes way for an asker
// holding a token it lacks, but not for one lacking the watcher's token.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/kernel/config/config.js';
import { mustMakeWay, settingsPrint } from '../../../src/kernel/config/settingsPrint.js';

const TOKEN = 'dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab';
const key = randomBytes(32);
const print = (raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) =>
  settingsPrint(parseConfig(raw, 'test', env), key);
const FILE = { digitalocean: { appId: 'app-1' } };

describe('settings fingerprint', () => {
  it('is the same for the same settings, whatever the key order or where the file is', () => {
    const a = settingsPrint(parseConfig({ branch: 'main', ...FILE }, 'a/deploy-watch.config.json', {}), key);
    const b = settingsPrint(parseConfig({ ...FILE, branch: 'main' }, 'b/deploy-watch.config.json', {}), key);
    assert.deepEqual(a, b);
    assert.equal(mustMakeWay(a, b), false);
  });

  it('differs when the config or an environment override changes', () => {
    const base = print(FILE);
    assert.equal(mustMakeWay(base, print(FILE, { DEPLOY_WATCH_APP_ID: 'app-2' })), true);
    assert.equal(mustMakeWay(base, print({ ...FILE, health: { url: 'http://x/h', commit: 'version' } })), true);
  });

  it('never holds a secret, only a hash keyed per state folder', () => {
    const p = print(FILE, { DIGITALOCEAN_ACCESS_TOKEN: TOKEN });
    const text = JSON.stringify(p);
    assert.ok(!text.includes(TOKEN) && !text.includes(TOKEN.slice(7, 30)), text);
    assert.notEqual(p.secrets.doToken, null);
    const otherKey = settingsPrint(parseConfig(FILE, 'test', { DIGITALOCEAN_ACCESS_TOKEN: TOKEN }), randomBytes(32));
    assert.notEqual(otherKey.secrets.doToken, p.secrets.doToken, 'another folder, another hash');
  });

  it('makes way for a token the watcher lacks or holds otherwise, not for an asker without one', () => {
    const without = print(FILE);
    const withToken = print(FILE, { DIGITALOCEAN_ACCESS_TOKEN: TOKEN });
    const otherToken = print(FILE, { DIGITALOCEAN_ACCESS_TOKEN: `${TOKEN.slice(0, -1)}c` });
    assert.equal(mustMakeWay(without, withToken), true, 'the push holds a token the watcher lacks');
    assert.equal(mustMakeWay(withToken, otherToken), true, 'a token replaced');
    assert.equal(mustMakeWay(withToken, without), false, 'a check --wait without the token takes nothing away');
  });
});
