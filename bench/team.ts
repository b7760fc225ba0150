// Team mode: DigitalOcean requests for 1 vs 3 machines sharing one PostgreSQL, and the time from an
// outcome being written to `check --wait` returning, on a machine that did not push the commit (with one
// machine, on that machine). Through PgBouncer in transaction mode (no NOTIFY: the wait polls the table)
// and direct (NOTIFY wakes the wait). Baseline measured in the same run: one machine on its own files
// (no team store; check --wait reads the record every 200 ms). TEAM_COMMITS changes the size.
import { cpus, loadavg } from 'node:os';
import { startPgBouncer } from '../support/helpers/pgbouncer.js';
import { startPostgres } from '../support/helpers/postgres.js';
import type { FakeDeployment } from '../support/fakes/doApi.js';
import { teamWorld } from '../support/worlds/teamWorld.js';
import { median } from './timing.js';

const COMMITS = Number(process.env.TEAM_COMMITS ?? 8);
/**
 * The timeline starts once every commit is handed over and every check is started: outcomes land from 6 s
 * on, one every 400 ms, so each wait is settled in before its outcome, and sees its own, not a burst.
 */
const deployments = (shas: string[]): FakeDeployment[] =>
  shas.map((sha, i) => ({
    id: `d${i}`,
    sha,
    phases: [
      [150, 'BUILDING'],
      [6_000 + i * 400, 'ACTIVE'],
    ],
  }));

interface Figures {
  name: string;
  machines: number;
  requests: number;
  lags: number[];
}

let schemas = 0;

/** One run: every commit handed over across the machines at once, each awaited by `check --wait` elsewhere. */
async function measure(name: string, machines: number, storeUrl: string): Promise<Figures> {
  const w = await teamWorld({
    machines,
    commits: COMMITS,
    storeUrl,
    schema: `dw_bench_${process.pid}_${++schemas}`,
    deployments,
  });
  try {
    const handed = await Promise.all(w.shas.map((sha, i) => w.machines[i % machines]!.dw('monitor', sha, '--detach')));
    const refused = handed.find((r) => r.code !== 0);
    if (refused) throw new Error(`${name}: monitor --detach exited ${refused.code}: ${refused.stderr}`);
    const waits = w.shas.map(async (sha, i) => {
      const waited = await w.machines[(i + 1) % machines]!.dw('check', sha, '--wait', '60', '--json');
      const returnedAt = Date.now();
      if (waited.code !== 0) throw new Error(`${name}: check --wait exited ${waited.code}: ${waited.stderr}`);
      const { record } = JSON.parse(waited.stdout) as { record: { finishedAt: string } };
      return returnedAt - Date.parse(record.finishedAt);
    });
    w.go();
    const lags = await Promise.all(waits);
    const requests = w.api.apiRequests().filter((r) => !r.path.includes('/logs')).length;
    return { name, machines, requests, lags };
  } finally {
    await w.close();
  }
}

/** Nearest-rank percentile. */
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)]!;

const cluster = await startPostgres();
if ('skip' in cluster) {
  console.log(`skipped: ${cluster.skip}`);
  process.exit(0);
}
const bouncer = await startPgBouncer(cluster);
if ('skip' in bouncer) {
  await cluster.stop();
  console.log(`skipped: ${bouncer.skip}`);
  process.exit(0);
}
console.log(
  `${COMMITS} commits handed over across the machines at once; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`,
);
const rows: Figures[] = [];
const show = (f: Figures, base: Figures) => {
  const m = median(f.lags);
  console.log(
    `${f.name.padEnd(27)} DO requests ${String(f.requests).padStart(4)}  outcome → check --wait returned: median ${m.toFixed(0).padStart(4)} ms, p95 ${percentile(f.lags, 95).toFixed(0).padStart(4)} ms (×${(m / median(base.lags)).toFixed(2)} baseline)`,
  );
};
try {
  const baseline = await measure('files, 1 machine', 1, '');
  show(baseline, baseline);
  for (const [via, url] of [
    ['bouncer (poll)', bouncer.url],
    ['direct (notify)', cluster.url],
  ] as const) {
    for (const machines of [1, 3]) {
      const f = await measure(`${via}, ${machines} machine${machines > 1 ? 's' : ''}`, machines, url);
      rows.push(f);
      show(f, baseline);
    }
  }
  for (let i = 0; i < rows.length; i += 2) {
    const [one, three] = [rows[i]!, rows[i + 1]!];
    console.log(
      `${three.name.split(',')[0]}: DigitalOcean requests 3 machines / 1 machine = ${three.requests}/${one.requests} = ${(three.requests / one.requests).toFixed(2)}x`,
    );
  }
  const goals = [
    [
      'DO requests, 3 machines ≤ 1.2× one machine',
      rows.every((f, i) => i % 2 === 0 || f.requests <= 1.2 * rows[i - 1]!.requests),
    ],
    ['every team check --wait returned within 1 s of the outcome', rows.every((f) => Math.max(...f.lags) < 1_000)],
  ] as const;
  for (const [goal, met] of goals) console.log(`${met ? 'met ' : 'MISS'} ${goal}`);
  process.exitCode = goals.every(([, met]) => met) ? 0 : 1;
} finally {
  await bouncer.stop();
  await cluster.stop();
}
