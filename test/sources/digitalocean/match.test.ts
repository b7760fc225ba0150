// Matching a deployment to a commit and reading its phase and steps, on plain JSON shaped like DigitalOcean's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  builtFrom,
  commitOf,
  commitsOf,
  failedStep,
  mapPhase,
  progressText,
} from '../../../src/sources/digitalocean/match.js';
import { deploymentSchema, listSchema } from '../../../src/sources/digitalocean/schema.js';

const SHA = '3c9e1f0a7b2d4e6f8a0b1c2d3e4f5a6b7c8d9e0f';
const parse = (value: unknown) => deploymentSchema.parse(value);

describe('deployment matching', () => {
  it('finds the commit in any component list or in cause_details, full or abbreviated', () => {
    assert.ok(builtFrom(parse({ id: 'a', workers: [{ name: 'w', source_commit_hash: SHA }] }), SHA));
    assert.ok(builtFrom(parse({ id: 'b', static_sites: [{ name: 's', source_commit_hash: SHA.slice(0, 7) }] }), SHA));
    assert.ok(builtFrom(parse({ id: 'c', cause_details: { git_push: { commit_sha: SHA.toUpperCase() } } }), SHA));
    assert.ok(
      !builtFrom(parse({ id: 'd', services: [{ name: 'api', source_commit_hash: SHA.slice(0, 6) }] }), SHA),
      'six digits are too few to trust',
    );
    assert.ok(!builtFrom(parse({ id: 'e' }), SHA));
    assert.deepEqual(commitsOf(parse({ id: 'f', services: null, jobs: [{ name: 'j' }] })), []);
    assert.equal(
      commitOf(
        parse({ id: 'g', services: [{ source_commit_hash: 'aa' }], cause_details: { git_push: { commit_sha: SHA } } }),
      ),
      SHA,
    );
  });

  it('maps every documented phase, and an unknown future one to pending', () => {
    const table = {
      UNKNOWN: 'pending',
      PENDING_BUILD: 'pending',
      BUILDING: 'building',
      PENDING_DEPLOY: 'deploying',
      DEPLOYING: 'deploying',
      ACTIVE: 'success',
      ERROR: 'failed',
      CANCELED: 'canceled',
      SUPERSEDED: 'follow',
      ARCHIVED_LATER: 'pending',
    };
    for (const [phase, state] of Object.entries(table)) assert.equal(mapPhase(phase), state, phase);
    assert.equal(mapPhase(undefined), 'pending');
  });

  it('names the deepest failing step with its reason, and counts steps with absent zero counters', () => {
    const d = parse({
      id: 'x',
      phase: 'ERROR',
      progress: {
        error_steps: 2,
        success_steps: 1,
        total_steps: 6,
        steps: [
          { name: 'build', status: 'SUCCESS' },
          {
            name: 'deploy',
            status: 'ERROR',
            steps: [
              {
                name: 'components',
                status: 'ERROR',
                steps: [
                  {
                    name: 'web',
                    status: 'ERROR',
                    component_name: 'web',
                    message_base: 'Deploying service',
                    reason: { code: 'HealthCheckFailed' },
                  },
                ],
              },
            ],
          },
        ],
      },
    });
    assert.equal(failedStep(d), 'deploy › components › web (Deploying service web): HealthCheckFailed');
    assert.equal(progressText(d), '1/6 steps done, 2 failed');
    assert.equal(progressText(parse({ id: 'y', progress: { total_steps: 4 } })), '0/4 steps done');
    assert.equal(failedStep(parse({ id: 'z' })), null);
  });

  it('accepts a list with extra fields and without links or meta, rejects a deployment without id', () => {
    assert.ok(listSchema.safeParse({ deployments: [{ id: 'a', brand_new: { x: 1 } }], extra: true }).success);
    assert.ok(listSchema.safeParse({}).success);
    assert.ok(!listSchema.safeParse({ deployments: [{ phase: 'ACTIVE' }] }).success);
  });
});
