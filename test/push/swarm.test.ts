// The swarm: 8 clones of one bare remote push 4 commits each at the same time through the built
// CLI (real child processes), with the default config, so through the local push queue. Every commit
// touches the shared roadmap checklist, the shared changelog, a session file of its own and an
// ordinary file of its own. Afterwards the remote has all 32 commits in a linear history, every added
// line once, every ticked item ticked, no marker, no ref rewritten; and the queue kept git push
// attempts within 1.2 per commit (racing needs about 3 per commit at this size).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { makeTempDir } from '../../support/helpers/repo.js';
import { makeSwarm, runSwarm, swarmProblems } from '../../support/worlds/swarmWorld.js';

const CLONES = 8;
const COMMITS = 4;

describe(`swarm: ${CLONES} clones x ${COMMITS} commits through deploy-watch push (default config)`, () => {
  const root = makeTempDir('dw-swarm-');
  after(() => rmSync(root, { recursive: true, force: true }));

  it('lands every commit with every guarantee, at most 1.2 git pushes per commit', { timeout: 180_000 }, async () => {
    const world = makeSwarm(root, CLONES, COMMITS, CLONES);
    const { seconds, runs } = await runSwarm(world);
    const failed = runs.filter((r) => r.code !== 0);
    assert.deepEqual(
      failed.map((r) => `c${r.agent} k${r.commit}: exit ${r.code} ${r.stderr}`),
      [],
    );
    const { landed, problems } = swarmProblems(world);
    assert.deepEqual(problems, []);
    assert.equal(landed, CLONES * COMMITS);
    const pushes = runs.reduce((n, r) => n + r.pushes, 0);
    assert.ok(pushes <= 1.2 * CLONES * COMMITS, `${pushes} git pushes for ${CLONES * COMMITS} commits`);
    process.stdout.write(`# swarm: ${CLONES * COMMITS} commits in ${seconds.toFixed(1)}s, ${pushes} git pushes\n`);
  });
});
