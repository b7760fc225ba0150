// The rules that turn several apps' observations of one commit into one answer (pure; no server).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeployState } from '../../../src/store/statusRecord.js';
import { combine } from '../../../src/sources/digitalocean/combine.js';
import type { Observation } from '../../../src/sources/source.js';

const app = (name: string) => ({ id: `${name}-id`, name });
const state = (s: DeployState, phase: string | null, message: string | null = null): Observation => ({
  kind: 'state',
  state: s,
  phase,
  deploymentId: phase ? `dep-${phase}` : null,
  message,
});

describe('combining several apps', () => {
  it('a failure outranks a cancel and a superseded one, whatever the order of the apps', () => {
    const out = combine(
      [
        { app: app('api'), observation: state('canceled', 'CANCELED', 'deployment was canceled') },
        { app: app('web'), observation: state('failed', 'ERROR', 'deployment failed at build') },
        { app: app('jobs'), observation: state('superseded', 'SUPERSEDED') },
      ],
      [],
    );
    assert.equal(out.kind === 'state' && out.state, 'failed');
    assert.deepEqual(out.kind === 'state' && out.app, app('web'));
    assert.equal(out.kind === 'state' && out.message, 'web: deployment failed at build');
  });

  it('a failure is reported even while another app cannot be asked', () => {
    const out = combine(
      [
        { app: app('api'), observation: { kind: 'unavailable', reason: 'HTTP 503' } },
        { app: app('web'), observation: state('failed', 'ERROR', null) },
      ],
      ['docs left out'],
    );
    assert.equal(out.kind === 'state' && out.message, 'web: ERROR; docs left out');
  });

  it('no answer while any app cannot be asked; permanent when one never can; the longest wait', () => {
    const out = combine(
      [
        { app: app('api'), observation: state('success', 'ACTIVE') },
        { app: app('web'), observation: { kind: 'unavailable', reason: 'waiting 5s', retryAfterMs: 5_000 } },
        {
          app: app('jobs'),
          observation: { kind: 'unavailable', reason: 'HTTP 404', permanent: true, retryAfterMs: 2_000 },
        },
      ],
      [],
    );
    assert.deepEqual(out, {
      kind: 'unavailable',
      reason: 'web: waiting 5s; jobs: HTTP 404',
      permanent: true,
      retryAfterMs: 5_000,
    });
  });

  it('in progress at the least advanced app, each app listed; one app alone keeps its deployment on success', () => {
    const out = combine(
      [
        { app: app('api'), observation: state('deploying', 'DEPLOYING', '1/2 steps done') },
        { app: app('web'), observation: state('pending', null, 'waiting for DigitalOcean') },
        { app: app('jobs'), observation: state('success', 'ACTIVE') },
      ],
      [],
    );
    assert.deepEqual(out, {
      kind: 'state',
      state: 'pending',
      phase: null,
      deploymentId: null,
      app: app('web'),
      message: 'api DEPLOYING 1/2 steps done, web waiting for its deployment, jobs ACTIVE',
    });
    const alone = combine([{ app: app('api'), observation: state('success', 'ACTIVE') }], []);
    assert.equal(alone.kind === 'state' && alone.deploymentId, 'dep-ACTIVE');
    assert.deepEqual(alone.kind === 'state' && alone.app, app('api'));
  });
});
