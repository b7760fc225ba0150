import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/kernel/log.js';
import { redactText } from '../../src/kernel/redact.js';
import { makeTempDir } from '../../support/helpers/repo.js';

describe('tool log', () => {
  it('writes JSON lines with the token, Authorization headers and database passwords redacted', () => {
    const dir = makeTempDir();
    try {
      const file = join(dir, 'state', 'deploy-watch.log');
      const token = 'dop_v1_feedfacecafebeef0123';
      const log = createLogger(file, [token, 'postgres://app:pw@127.0.0.1/db']);
      log.info(
        { headers: { authorization: `Bearer ${token}` }, token, databaseUrl: 'postgres://app:pw@127.0.0.1/db' },
        'request',
      );
      log.warn(`retrying with ${token} against postgres://app:pw@127.0.0.1/db`);
      log.error(
        {
          reason: 'connect postgres://app:pw@127.0.0.1/db failed',
          err: new Error(`auth Basic dXNlcjpwYXNz with ${token}`),
        },
        'nested',
      );
      const text = readFileSync(file, 'utf8');
      const lines = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(lines.length, 3);
      assert.ok(!text.includes('dXNlcjpwYXNz'), text);
      assert.ok(!text.includes(token), text);
      assert.ok(!text.includes(':pw@'), text);
      assert.match(text, /\[Redacted\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('redacts GitHub tokens by their shape even when no one listed them (classic, fine-grained, Actions)', () => {
    const tokens = [
      'ghp_0123456789abcdefghijABCDEFGHIJ012345',
      'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789',
      'ghs_0123456789abcdefghijABCDEFGHIJ012345',
    ];
    const text = redactText(`GitHub said no to ${tokens.join(' and ')}`);
    for (const token of tokens) assert.ok(!text.includes(token), text);
    assert.equal(text, 'GitHub said no to [Redacted] and [Redacted] and [Redacted]');
  });

  it('redacts GitLab tokens by their shape (personal, project and group access tokens; deploy, runner)', () => {
    const tokens = ['glpat-abcdefghij0123456789', 'gldt-ABCDEFGHIJ_0123456789-xyz', 'glrt-0123456789abcdefghijKLMN'];
    const text = redactText(`GitLab said no to ${tokens.join(' and ')}`);
    assert.equal(text, 'GitLab said no to [Redacted] and [Redacted] and [Redacted]');
    assert.equal(redactText('gl-patterns-are-not-tokens glance'), 'gl-patterns-are-not-tokens glance');
  });
});
