// Every `--json` output is a contract: the real command's output holds to the shape below (each key there,
// of its type, no other key), and the "JSON outputs" section of docs/json.md lists exactly those fields.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { newRecord } from '../../src/store/statusRecord.js';
import { FileStatusStore } from '../../src/store/files/fileStatusStore.js';
import { cli } from '../../support/helpers/cli.js';
import { holds, SHAPES, type Shape } from '../../support/helpers/jsonShapes.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';

/** docs/json.md lists each output as "- `deploy-watch <command>`[, <case>]: `{field, field, …}`" (or `[{…}]`). */
function readmeFields(): Map<string, string[]> {
  const readme = readFileSync(new URL('../../../docs/json.md', import.meta.url), 'utf8');
  const from = readme.indexOf('## JSON outputs');
  const section = readme.slice(from, readme.indexOf('\n## ', from));
  const fields = new Map<string, string[]>();
  for (const m of section.matchAll(/^- `deploy-watch ([^`]+)`(?:, ([^:]+))?: `\[?\{([^}`]*)/gm)) {
    fields.set(
      m[2] ? `${m[1]} (${m[2]})` : m[1]!,
      m[3]!
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
    );
  }
  return fields;
}
const topKeys = (shape: Shape) =>
  Object.keys((Array.isArray(shape) ? shape[0] : shape) as object).map((k) => k.replace(/\?$/, ''));

describe('--json outputs', () => {
  const repos: TestRepo[] = [];
  after(() => repos.forEach((r) => r.cleanup()));
  const json = (repo: TestRepo, args: string[]) => {
    const r = cli(['--json', ...args], { cwd: repo.dir, env: repo.env });
    assert.ok(r.stdout.trim().split('\n').length === 1, `one JSON line: ${r.stdout}${r.stderr}`);
    return JSON.parse(r.stdout) as unknown;
  };

  it('check, check --all, manage status and doctor hold to their shapes, with and without records', async () => {
    const repo = makeRepo();
    repos.push(repo);
    const empty = {
      check: json(repo, ['check']),
      all: json(repo, ['check', '--all']),
      status: json(repo, ['manage', 'status']),
    };
    holds(empty.check, SHAPES['check --json']!);
    assert.equal((empty.check as { record: unknown }).record, null);
    const store = new FileStatusStore(join(repo.dir, '.git', 'deploy-watch'));
    const done = repo.git('rev-parse', 'HEAD');
    await store.write(newRecord({ sha: done, state: 'failed', branch: 'main' }, new Date().toISOString()));
    const building = repo.commit('in flight');
    await store.write(newRecord({ sha: building, state: 'building', branch: 'main' }, new Date().toISOString()));
    const outputs: Array<[string, unknown]> = [
      ['check --json', empty.check],
      ['check --json', json(repo, ['check', done])],
      ['check --all --json', empty.all],
      ['check --all --json', json(repo, ['check', '--all'])],
      ['manage status --json', empty.status],
      ['manage status --json', json(repo, ['manage', 'status'])],
      ['doctor --json', json(repo, ['doctor'])],
    ];
    for (const [name, value] of outputs) holds(value, SHAPES[name]!, name);
    assert.equal((json(repo, ['check', '--all']) as unknown[]).length, 2);
    assert.equal((json(repo, ['manage', 'status']) as { commits: unknown[] }).commits.length, 1);
  });

  it('push holds to its shape, pushed and refused', () => {
    const repo = makeRepo();
    repos.push(repo);
    repo.commit('to push');
    holds(json(repo, ['push']), SHAPES['push --json']!, 'push');
    repo.git('checkout', '-q', '--detach');
    holds(json(repo, ['push']), SHAPES['push --json (refused before trying)']!, 'refused');
  });

  it('docs/json.md lists exactly these fields for each output', () => {
    const listed = readmeFields();
    assert.deepEqual(
      [...listed.keys()].sort(),
      Object.keys(SHAPES).sort(),
      "docs/json.md's JSON outputs section lists each output",
    );
    for (const [name, shape] of Object.entries(SHAPES)) assert.deepEqual(listed.get(name), topKeys(shape), name);
  });
});
