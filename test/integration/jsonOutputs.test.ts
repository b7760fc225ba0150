// Every `--json` output is a contract: the real command's output holds to the shape below (each key there,
// of its type, no other key), and the README's "JSON outputs" section lists exactly those fields.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { newRecord } from '../../src/core/statusRecord.js';
import { FileStatusStore } from '../../src/core/statusStore.js';
import { cli } from '../helpers/cli.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';

/** 'string' · 'number' · 'boolean' · 'string?' (or null) · { key: Shape, 'opt?': Shape } · [Shape] · nullable(Shape). */
type Shape = string | [Shape] | { [key: string]: Shape } | { $nullable: Shape };
const nullable = (shape: Shape): Shape => ({ $nullable: shape });

function holds(value: unknown, shape: Shape, path = '$'): void {
  if (typeof shape === 'string') {
    const [type, orNull] = shape.endsWith('?') ? [shape.slice(0, -1), true] : [shape, false];
    if (orNull && value === null) return;
    assert.equal(typeof value, type, `${path} should be ${shape}: ${JSON.stringify(value)}`);
  } else if (Array.isArray(shape)) {
    assert.ok(Array.isArray(value), `${path} should be an array`);
    value.forEach((item, i) => holds(item, shape[0], `${path}[${i}]`));
  } else if ('$nullable' in shape) {
    if (value !== null) holds(value, shape.$nullable as Shape, path);
  } else {
    assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `${path} should be an object`);
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(shape).map((k) => k.replace(/\?$/, ''));
    assert.deepEqual(Object.keys(obj).filter((k) => !keys.includes(k)), [], `${path} has keys the contract does not list`);
    for (const [key, sub] of Object.entries(shape)) {
      const name = key.replace(/\?$/, '');
      if (key.endsWith('?') && !(name in obj)) continue;
      assert.ok(name in obj, `${path}.${name} is missing`);
      holds(obj[name], sub, `${path}.${name}`);
    }
  }
}

const RECORD: Shape = {
  version: 'number', sha: 'string', branch: 'string?', remote: 'string?', state: 'string', source: 'string?', deploymentId: 'string?',
  phase: 'string?', startedAt: 'string', updatedAt: 'string', finishedAt: 'string?', pid: 'number?', polls: 'number', message: 'string?', logFile: 'string?',
};
export const SHAPES: Record<string, Shape> = {
  'check --json': { sha: 'string', outcome: 'string', exitCode: 'number', unknown: 'string?', monitorPid: 'number?', record: nullable(RECORD), logTail: nullable(['string']), message: 'string' },
  'check --all --json': [{ sha: 'string', outcome: 'string', unknown: 'string?', state: 'string?', branch: 'string?', source: 'string?', startedAt: 'string?', finishedAt: 'string?', durationMs: 'number?' }],
  'manage status --json': [{ sha: 'string', pid: 'number?', liveness: 'string', stale: 'boolean', startedAt: 'string?', record: nullable(RECORD) }],
  'push --json': {
    outcome: 'string', exitCode: 'number', remote: 'string', branch: 'string', attempts: 'number', rebases: 'number', rebasedCommits: 'number',
    autoResolved: ['string'], remoteSha: 'string?', conflictFiles: ['string'], reason: 'string?', log: [{ attempt: 'number', result: 'string', 'reason?': 'string', 'delayMs?': 'number' }],
  },
  'push --json (refused before trying)': { outcome: 'string', exitCode: 'number', message: 'string' },
  'doctor --json': [{ name: 'string', verdict: 'string', detail: 'string', fix: 'string?' }],
};

/** The README lists each output as "- `deploy-watch <command>`[, <case>]: `{field, field, …}`" (or `[{…}]`). */
function readmeFields(): Map<string, string[]> {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const from = readme.indexOf('### JSON outputs');
  const section = readme.slice(from, readme.indexOf('\n## ', from));
  const fields = new Map<string, string[]>();
  for (const m of section.matchAll(/^- `deploy-watch ([^`]+)`(?:, ([^:]+))?: `\[?\{([^}`]*)/gm)) {
    fields.set(m[2] ? `${m[1]} (${m[2]})` : m[1]!, m[3]!.split(',').map((f) => f.trim()).filter(Boolean));
  }
  return fields;
}
const topKeys = (shape: Shape) => Object.keys((Array.isArray(shape) ? shape[0] : shape) as object).map((k) => k.replace(/\?$/, ''));

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
    const empty = { check: json(repo, ['check']), all: json(repo, ['check', '--all']), status: json(repo, ['manage', 'status']) };
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
    assert.equal((json(repo, ['manage', 'status']) as unknown[]).length, 1);
  });

  it('push holds to its shape, pushed and refused', () => {
    const repo = makeRepo();
    repos.push(repo);
    repo.commit('to push');
    holds(json(repo, ['push']), SHAPES['push --json']!, 'push');
    repo.git('checkout', '-q', '--detach');
    holds(json(repo, ['push']), SHAPES['push --json (refused before trying)']!, 'refused');
  });

  it('the README lists exactly these fields for each output', () => {
    const listed = readmeFields();
    assert.deepEqual([...listed.keys()].sort(), Object.keys(SHAPES).sort(), "the README's JSON outputs section lists each output");
    for (const [name, shape] of Object.entries(SHAPES)) assert.deepEqual(listed.get(name), topKeys(shape), name);
  });
});
