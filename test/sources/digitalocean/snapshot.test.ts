// When the app answer alone answers a commit (snapshot.ts), on plain JSON.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Deployment } from '../../../src/sources/digitalocean/schema.js';
import { answerFromApp, appWouldAnswer, snapshotOf } from '../../../src/sources/digitalocean/snapshot.js';

const SHA = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);
const dep = (id: string, phase: string, sha: string, created: string): Deployment => ({
  id,
  phase,
  created_at: `2026-03-02T10:00:${created}Z`,
  services: [{ name: 'api', source_commit_hash: sha }],
});

describe('answers from GET /v2/apps/{id}', () => {
  const building = dep('d1', 'BUILDING', SHA, '10');
  const app = snapshotOf({
    in_progress_deployment: building,
    active_deployment: dep('d0', 'ACTIVE', OTHER, '00'),
    pending_deployment: { phase: 'PENDING_BUILD' }, // no id: left out, not a failed answer
    last_deployment_created_at: '2026-03-02T10:00:10Z',
  });

  it('names the followed deployment, or the one built from the commit', () => {
    assert.deepEqual(answerFromApp(app, { wanted: building, noneUntil: null }, SHA), {
      kind: 'found',
      deployment: building,
    });
    assert.deepEqual(answerFromApp(app, { wanted: null, noneUntil: null }, SHA), {
      kind: 'found',
      deployment: building,
    });
  });

  it('a followed deployment it does not name (ended otherwise) needs the list', () => {
    assert.equal(answerFromApp(app, { wanted: dep('d9', 'BUILDING', SHA, '05'), noneUntil: null }, SHA), null);
  });

  it('no deployment yet: only when none was created since the list that had none', () => {
    const c = 'c'.repeat(40);
    assert.deepEqual(answerFromApp(app, { wanted: null, noneUntil: Date.parse('2026-03-02T10:00:10Z') }, c), {
      kind: 'none-yet',
    });
    assert.equal(answerFromApp(app, { wanted: null, noneUntil: Date.parse('2026-03-02T10:00:05Z') }, c), null);
    assert.equal(answerFromApp(app, { wanted: null, noneUntil: null }, c), null, 'no list read for it yet');
  });

  it('the list says when the app alone would answer every commit', () => {
    const list = [dep('d2', 'PENDING_BUILD', OTHER, '20'), dep('d1b', 'PENDING_BUILD', SHA, '15'), building];
    assert.equal(appWouldAnswer([building], [[SHA, { wanted: building, noneUntil: null }]]), true);
    // A queued deployment that is not the newest pending one is not named by the app.
    assert.equal(appWouldAnswer(list, [[SHA, { wanted: list[1]!, noneUntil: null }]]), false);
    assert.equal(
      appWouldAnswer([dep('d1', 'SUPERSEDED', SHA, '10')], [[SHA, { wanted: building, noneUntil: null }]]),
      false,
    );
  });
});
