// `deploy-watch init --agents`: the agent section written once, into AGENTS.md and an existing CLAUDE.md.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';

describe('init --agents', () => {
  let repo: TestRepo;
  after(() => repo?.cleanup());

  it('adds the section to AGENTS.md and an existing CLAUDE.md, keeps their lines, and is idempotent', () => {
    repo = makeRepo();
    writeFileSync(join(repo.dir, 'CLAUDE.md'), '# Project rules\n\nUse tabs.\n');
    const init = () => cli(['init', '--agents'], { cwd: repo.dir, env: repo.env });
    const first = init();
    assert.equal(first.code, 0, first.stderr);
    const agents = readFileSync(join(repo.dir, 'AGENTS.md'), 'utf8');
    const claude = readFileSync(join(repo.dir, 'CLAUDE.md'), 'utf8');
    for (const text of [agents, claude]) {
      assert.match(text, /npx deploy-watch push/);
      assert.match(text, /npx deploy-watch check --wait 30 --json/);
      assert.match(text, /- 0: deployed\. Done\.\n\s+- 1: the deployment failed/);
      assert.equal(text.split('<!-- >>> deploy-watch >>> -->').length, 2, 'one block');
    }
    assert.ok(claude.startsWith('# Project rules\n\nUse tabs.\n'), "the user's lines stay first and intact");
    init();
    assert.equal(readFileSync(join(repo.dir, 'AGENTS.md'), 'utf8'), agents, 'second run: same bytes');
    assert.equal(readFileSync(join(repo.dir, 'CLAUDE.md'), 'utf8'), claude, 'second run: same bytes');
  });

  it('writes no agent file without --agents, and none with --dry-run', () => {
    const other = makeRepo();
    try {
      cli(['init'], { cwd: other.dir, env: other.env });
      assert.ok(!existsSync(join(other.dir, 'AGENTS.md')));
      const dry = cli(['init', '--agents', '--dry-run'], { cwd: other.dir, env: other.env });
      assert.equal(dry.code, 0);
      assert.match(dry.stdout, /AGENTS\.md/);
      assert.ok(!existsSync(join(other.dir, 'AGENTS.md')));
    } finally {
      other.cleanup();
    }
  });
});
