import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateCommitArg } from '../../src/store/commitRef.js';
import { UsageError } from '../../src/kernel/errors.js';
import { redactText } from '../../src/kernel/redact.js';
import { newRecord, parseRecord, STATES } from '../../src/store/statusRecord.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('status record', () => {
  it('round-trips every state', () => {
    for (const state of STATES) {
      const text = JSON.stringify(newRecord({ sha: SHA, state }, '2026-01-01T00:00:00.000Z'));
      const parsed = parseRecord(text);
      assert.ok(parsed.ok && parsed.record.state === state);
    }
  });

  it('the optional logs and startFailed fields: absent (older records) or valid, never anything else', () => {
    const good = newRecord({ sha: SHA }, 'now') as unknown as Record<string, unknown>;
    for (const extra of [
      {},
      { logs: null, startFailed: null },
      { logs: { state: 'fetching', until: '2026-01-01T00:02:00.000Z', reason: null } },
      { logs: { state: 'missing', until: null, reason: 'HTTP 403' } },
      { startFailed: 'no monitor could start: x' },
    ]) {
      assert.ok(parseRecord(JSON.stringify({ ...good, ...extra })).ok, JSON.stringify(extra));
    }
    for (const [extra, reason] of [
      [{ logs: { state: 'lost' } }, /"logs"/],
      [{ logs: 'fetched' }, /"logs"/],
      [{ startFailed: 3 }, /"startFailed"/],
    ] as const) {
      const parsed = parseRecord(JSON.stringify({ ...good, ...extra }));
      assert.ok(!parsed.ok && reason.test(parsed.reason), JSON.stringify(extra));
    }
  });

  it('names what is wrong with a bad record', () => {
    const good = newRecord({ sha: SHA }, 'now') as unknown as Record<string, unknown>;
    const cases: Array<[string, RegExp]> = [
      ['', /not valid JSON/],
      ['[]', /not a JSON object/],
      [JSON.stringify({ ...good, version: 2 }), /schema version 2/],
      [JSON.stringify({ ...good, state: 'exploded' }), /"state"/],
      [JSON.stringify({ ...good, sha: 'HEAD' }), /"sha"/],
      [JSON.stringify({ ...good, polls: -1 }), /"polls"/],
      [JSON.stringify({ ...good, pid: 0 }), /"pid"/],
    ];
    for (const [text, reason] of cases) {
      const parsed = parseRecord(text);
      assert.ok(!parsed.ok && reason.test(parsed.reason), `${text}: ${JSON.stringify(parsed)}`);
    }
  });
});

describe('commit arguments', () => {
  it('accepts shas, prefixes and plain refs', () => {
    for (const ok of [SHA, 'abcd', 'HEAD', 'HEAD~2', 'HEAD^', 'main', 'origin/main', 'feat/x-1', '@'])
      validateCommitArg(ok);
  });
  it('refuses anything else', () => {
    for (const bad of ['../x', 'a..b', '-x', '.x', 'a b', 'a;b', '$(x)', 'x'.repeat(300), '']) {
      assert.throws(() => validateCommitArg(bad), UsageError, bad);
    }
  });
});

describe('redaction', () => {
  it('removes URL passwords, bearer tokens, DigitalOcean tokens and named secrets', () => {
    const text = 'postgres://user:s3cr3t@db:5432/x Authorization: Bearer abc.def dop_v1_0123456789abcdef my-own-secret';
    const out = redactText(text, ['my-own-secret']);
    for (const secret of ['s3cr3t', 'abc.def', 'dop_v1_0123456789abcdef', 'my-own-secret'])
      assert.ok(!out.includes(secret), out);
    assert.match(out, /postgres:\/\/user:\[Redacted\]@db/);
    for (const pw of ['a/b#c', 'p@ss', 'x?y']) {
      const scrubbed = redactText(`postgresql://app:${pw}@127.0.0.1:5432/db and more`);
      assert.ok(!scrubbed.includes(pw) && scrubbed.includes('127.0.0.1:5432/db and more'), scrubbed);
    }
  });
});
