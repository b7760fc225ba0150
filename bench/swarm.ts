// The push swarm: 24 clones × 4 commits pushed at once with the default config, through the queue
// and with --no-queue, against the serial bound (one process pushing the same 96 commits one after
// another), all measured in this run. Goals: every commit lands with every guarantee, git push
// attempts ≤ 1.2 × commits, queued wall time ≤ 1.3 × the serial bound.
// A fourth row runs the swarm as three machines of a team (needs PostgreSQL and pgbouncer; skipped without).
// SWARM_AGENTS / SWARM_COMMITS change the size; SWARM_RACE=0 skips the --no-queue row.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { makeTempDir } from '../support/helpers/repo.js';
import { makeSwarm, runSerial, runSwarm, swarmProblems, type PushRun } from '../support/worlds/swarmWorld.js';
import { startPgBouncer } from '../support/helpers/pgbouncer.js';
import { startPostgres } from '../support/helpers/postgres.js';

const AGENTS = Number(process.env.SWARM_AGENTS ?? 24);
const COMMITS = Number(process.env.SWARM_COMMITS ?? 4);
const ATTEMPT_GOAL = 1.2;
const TIME_GOAL = 1.3;

interface Figures {
  name: string;
  seconds: number;
  landed: number;
  failures: number;
  pushes: number;
  problems: string[];
}

async function measure(
  name: string,
  run: (root: string) => Promise<{ seconds: number; runs: PushRun[]; world: Parameters<typeof swarmProblems>[0] }>,
): Promise<Figures> {
  const root = makeTempDir(`dw-bench-swarm-${name}-`);
  try {
    const { seconds, runs, world } = await run(root);
    const { landed, problems } = swarmProblems(world);
    const failures = runs.filter((r) => r.code !== 0);
    return {
      name,
      seconds,
      landed,
      failures: failures.length,
      pushes: runs.reduce((n, r) => n + r.pushes, 0),
      problems,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const total = AGENTS * COMMITS;
console.log(
  `${AGENTS} clones × ${COMMITS} commits = ${total} commits, default config; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`,
);
const row = (f: Figures, bound: number) =>
  `${f.name.padEnd(9)} ${f.seconds.toFixed(1).padStart(7)}s  ×${(f.seconds / bound).toFixed(2)} serial  landed ${f.landed}/${total}  failures ${f.failures}  git pushes ${f.pushes} (${(f.pushes / total).toFixed(2)}× commits)${f.problems.length ? `  problems: ${f.problems.slice(0, 3).join('; ')}` : ''}`;
// Each row as soon as it is measured (the racing run can take long).
const serial = await measure('serial', async (root) => {
  const world = makeSwarm(root, AGENTS, COMMITS, 1);
  return { ...(await runSerial(world)), world };
});
console.log(row(serial, serial.seconds));
const queued = await measure('queue', async (root) => {
  const world = makeSwarm(root, AGENTS, COMMITS, AGENTS);
  return { ...(await runSwarm(world)), world };
});
console.log(row(queued, serial.seconds));
// SWARM_RACE=0 leaves the racing row out (it is the slowest and shows only what the queue avoids).
if (process.env.SWARM_RACE !== '0') {
  const racing = await measure('no-queue', async (root) => {
    const world = makeSwarm(root, AGENTS, COMMITS, AGENTS);
    return { ...(await runSwarm(world, ['--no-queue'])), world };
  });
  console.log(row(racing, serial.seconds));
}

// Team mode: the same swarm as three machines (own cache folders) sharing only PostgreSQL (through
// PgBouncer, transaction mode), so machines take turns through the team's push queue.
const team = await teamSwarm();
if (team) console.log(row(team, serial.seconds));

async function teamSwarm(): Promise<Figures | null> {
  const pg = await startPostgres();
  if ('skip' in pg) {
    console.log(`team      skipped: ${pg.skip}`);
    return null;
  }
  const bouncer = await startPgBouncer(pg);
  try {
    if ('skip' in bouncer) {
      console.log(`team      skipped: ${bouncer.skip}`);
      return null;
    }
    return await measure('team', async (root) => {
      const world = makeSwarm(root, AGENTS, COMMITS, AGENTS, { team: { schema: 'dw_bench_swarm' } });
      world.envs = world.clones.map((_, c) => ({
        ...world.env,
        DEPLOY_WATCH_STORE_URL: bouncer.url,
        DEPLOY_WATCH_HOST: `machine-${c % 3}`,
        DEPLOY_WATCH_CACHE_DIR: join(root, `cache-${c % 3}`),
      }));
      return { ...(await runSwarm(world)), world };
    });
  } finally {
    if (!('skip' in bouncer)) await bouncer.stop();
    await pg.stop();
  }
}

const goals = [
  [
    'queue: every commit landed, no failure, every guarantee',
    queued.landed === total && queued.failures === 0 && queued.problems.length === 0,
  ],
  [`queue: git pushes ≤ ${ATTEMPT_GOAL}× commits`, queued.pushes <= ATTEMPT_GOAL * total],
  [`queue: wall time ≤ ${TIME_GOAL}× serial bound`, queued.seconds <= TIME_GOAL * serial.seconds],
  ...(team
    ? ([
        [
          'team (3 machines): every commit landed, no failure, every guarantee',
          team.landed === total && team.failures === 0 && team.problems.length === 0,
        ],
        [`team: git pushes ≤ ${ATTEMPT_GOAL}× commits`, team.pushes <= ATTEMPT_GOAL * total],
      ] as const)
    : []),
] as const;
for (const [goal, met] of goals) console.log(`${met ? 'met ' : 'MISS'} ${goal}`);
process.exitCode = goals.every(([, met]) => met) ? 0 : 1;
