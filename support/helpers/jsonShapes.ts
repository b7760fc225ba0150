// The shapes of every `--json` output, the contract scripts and agents rely on, and a checker that holds
// a real output to one: each key there, of its type, no other key.
import assert from 'node:assert/strict';

/** 'string' · 'number' · 'boolean' · 'string?' (or null) · { key: Shape, 'opt?': Shape } · [Shape] · nullable(Shape). */
export type Shape = string | [Shape] | { [key: string]: Shape } | { $nullable: Shape };
const nullable = (shape: Shape): Shape => ({ $nullable: shape });

export function holds(value: unknown, shape: Shape, path = '$'): void {
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
    assert.deepEqual(
      Object.keys(obj).filter((k) => !keys.includes(k)),
      [],
      `${path} has keys the contract does not list`,
    );
    for (const [key, sub] of Object.entries(shape)) {
      const name = key.replace(/\?$/, '');
      if (key.endsWith('?') && !(name in obj)) continue;
      assert.ok(name in obj, `${path}.${name} is missing`);
      holds(obj[name], sub, `${path}.${name}`);
    }
  }
}

const RECORD: Shape = {
  version: 'number',
  sha: 'string',
  branch: 'string?',
  remote: 'string?',
  state: 'string',
  source: 'string?',
  deploymentId: 'string?',
  phase: 'string?',
  startedAt: 'string',
  updatedAt: 'string',
  finishedAt: 'string?',
  pid: 'number?',
  polls: 'number',
  message: 'string?',
  logFile: 'string?',
  'logs?': nullable({
    state: 'string',
    'until?': 'string?',
    'reason?': 'string?',
    'parts?': nullable(['string']),
    'pending?': nullable(['string']),
  }),
  'startFailed?': 'string?',
  'cause?': 'string?',
  'app?': nullable({ id: 'string', name: 'string' }),
  // Team mode: the poller's machine, and who handed the commit over from which machine.
  'host?': 'string?',
  'pushedBy?': 'string?',
  'pushedFrom?': 'string?',
  // While in progress: when the watcher polls next at the latest (check tells a frozen watcher by it).
  'nextPollBy?': 'string?',
  // Who stopped a `stopped` record (`manage stop --all by alice@laptop`).
  'stoppedBy?': 'string?',
};
export const SHAPES: Record<string, Shape> = {
  'check --json': {
    sha: 'string',
    outcome: 'string',
    exitCode: 'number',
    unknown: 'string?',
    monitorPid: 'number?',
    record: nullable(RECORD),
    logTail: nullable(['string']),
    message: 'string',
    // Team mode, the store unreachable: the answer is this machine's own records.
    'storeUnreachable?': 'boolean',
    // unknown "frozen": the live watcher that makes no progress.
    'stall?': nullable({ pid: 'number', stopped: 'boolean', overdueMs: 'number?' }),
    // Why the watcher could not record: ENOSPC, EROFS, lock-lost… (the commit, the lock's holder, when, where).
    'cause?': nullable({ code: 'string', sha: 'string?', holder: 'number?', at: 'string', 'dir?': 'string' }),
    // The failure's logs: where they stand (fetching, partial, missing, interrupted), as the human answer says.
    'logsNote?': 'string',
    'logsInterrupted?': 'boolean',
  },
  'check --all --json': [
    {
      sha: 'string',
      outcome: 'string',
      unknown: 'string?',
      state: 'string?',
      branch: 'string?',
      source: 'string?',
      startedAt: 'string?',
      finishedAt: 'string?',
      durationMs: 'number?',
      // Team mode only.
      'pushedBy?': 'string?',
      'pushedFrom?': 'string?',
    },
  ],
  'manage status --json': {
    watcher: nullable({ pid: 'number', startedAt: 'string', liveness: 'string', rssBytes: 'number?' }),
    // Team mode only: the lease holder that polls for the team, or null while nobody holds it.
    'poller?': nullable({
      pid: 'number',
      host: 'string?',
      startedAt: 'string',
      liveness: 'string',
      'epoch?': 'number',
      'heartbeatAt?': 'string',
      'heartbeatAgeMs?': 'number',
      'expiresAt?': 'string',
    }),
    commits: [
      {
        sha: 'string',
        pid: 'number?',
        liveness: 'string',
        stale: 'boolean',
        startedAt: 'string?',
        record: nullable(RECORD),
      },
    ],
    // Team mode, the store unreachable: listed from this machine's own records.
    'storeUnreachable?': 'boolean',
  },
  'push --json': {
    outcome: 'string',
    exitCode: 'number',
    remote: 'string',
    branch: 'string',
    attempts: 'number',
    rebases: 'number',
    rebasedCommits: 'number',
    autoResolved: ['string'],
    remoteSha: 'string?',
    conflictFiles: ['string'],
    reason: 'string?',
    log: [{ attempt: 'number', result: 'string', 'reason?': 'string', 'delayMs?': 'number' }],
    queue: nullable({ waitedMs: 'number', ahead: 'number' }),
  },
  'push --json (refused before trying)': { outcome: 'string', exitCode: 'number', message: 'string' },
  'logs --json': {
    sha: 'string',
    deploymentId: 'string',
    types: ['string'],
    complete: 'boolean',
    reason: 'string?',
    logFile: 'string?',
    outcome: 'string',
    parts: ['string'],
    lines: ['string'],
  },
  'logs --json (no logs to show)': { sha: 'string', deploymentId: 'string?', outcome: 'string', message: 'string' },
  'doctor --json': [{ name: 'string', verdict: 'string', detail: 'string', fix: 'string?' }],
};
