// One watcher per repository: what 1, 10 and 20 commits in flight cost. API requests from the real engine on
// a driven clock (drivenWatcher.ts); peak RSS of the real processes (`monitor <sha> --detach` callers and
// the watcher they start; all at once, then one after another) against one commit and against `node -e 0`,
// medians of 3 interleaved runs.
import { repoWithCommits, STAGGER_MS, simulateWatcher } from './drivenWatcher.js';
import { type HandOverMode, nodeBaseline, type Peak, peakOf } from './realWatcher.js';
import { median } from './timing.js';

const COUNTS = [1, 10, 20];
const ROUNDS = 3;
const MODES: HandOverMode[] = ['at-once', 'in-turn'];

// --- API requests: the engine on a driven clock, the default schedule ---
const defaults = { fastInterval: 5, fastFor: 60, slowInterval: 15, timeout: 1800 };
const world = repoWithCommits(Math.max(...COUNTS));
/** Pushes 1 s apart (the measure), and all in the same instant (what the stagger costs). */
const STAGGERS = [STAGGER_MS, 0];
const simulated: Record<string, { requests: number; lateMs: number }> = {};
try {
  for (const stagger of STAGGERS)
    for (const n of COUNTS)
      simulated[`${stagger} ${n}`] = await simulateWatcher(world.repo, world.shas.slice(0, n), defaults, stagger);
} finally {
  world.repo.cleanup();
}
console.log('API requests, six-minute deployments, driven clock, default polling (5 s, 15 s after 60 s):');
for (const stagger of STAGGERS) {
  const one = simulated[`${stagger} 1`]!.requests;
  console.log(`  pushed ${stagger ? `${stagger / 1000} s apart` : 'in the same instant'}:`);
  for (const n of COUNTS) {
    const s = simulated[`${stagger} ${n}`]!;
    console.log(
      `    ${String(n).padStart(2)} in flight  ${String(s.requests).padStart(4)} requests  ${(s.requests / one).toFixed(2)}x of one   worst end seen ${s.lateMs / 1000} s late`,
    );
  }
  const met = simulated[`${stagger} 20`]!.requests / one <= 1.1;
  console.log(`    goal 20 in flight ≤ 1.1x of one: ${met ? 'met' : 'MISSED'}`);
}

// --- Peak RSS: real processes, interleaved rounds ---
type Round = { node: { peakMb: number; hwmMb: number }; peaks: Record<string, Peak> };
const key = (mode: HandOverMode, n: number) => `${mode} ${n}`;
const rounds: Round[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const peaks: Record<string, Peak> = {};
  const node = await nodeBaseline();
  for (const mode of MODES) for (const n of COUNTS) peaks[key(mode, n)] = await peakOf(n, mode);
  rounds.push({ node, peaks });
}

const mb = (v: number) => v.toFixed(1).padStart(6);
const x = (v: number) => `${v.toFixed(2)}x`;
const row = (p: Peak) =>
  `all ${mb(p.totalMb)} | watcher ${mb(p.watcherMb)} (VmHWM ${mb(p.watcherHwmMb)}) | callers ${mb(p.callersMb)}` +
  ` | spare watchers ${mb(p.sparesMb)} (${p.spares})`;
console.log(
  '\npeak RSS in MB, real processes, summed VmRSS sampled every 50 ms; callers are `monitor <sha> --detach`;',
);
console.log('spare watchers: ones started by concurrent callers that found the folder claimed and left');
rounds.forEach((r, i) => {
  console.log(`  run ${i + 1}: node -e 0 ${mb(r.node.peakMb)} (VmHWM ${mb(r.node.hwmMb)})`);
  for (const mode of MODES)
    for (const n of COUNTS)
      console.log(`    ${mode.padEnd(7)} ${String(n).padStart(2)}: ${row(r.peaks[key(mode, n)]!)}`);
});
const med = (pick: (r: Round) => number) => median(rounds.map(pick));
const nodeMb = med((r) => r.node.peakMb);
console.log(`  median of ${ROUNDS}: node -e 0 ${mb(nodeMb)}`);
for (const mode of MODES) {
  const pick = (n: number, field: keyof Peak) => med((r) => r.peaks[key(mode, n)]![field]);
  for (const n of COUNTS) {
    const all = pick(n, 'totalMb');
    const watcher = pick(n, 'watcherMb');
    console.log(
      `    ${mode.padEnd(7)} ${String(n).padStart(2)}: all ${mb(all)} = ${x(all / pick(1, 'totalMb'))} of one, ${x(all / nodeMb)} node -e 0` +
        ` | watcher ${mb(watcher)} = ${x(watcher / pick(1, 'watcherMb'))} of one, ${x(watcher / nodeMb)} node -e 0` +
        ` (VmHWM ${mb(pick(n, 'watcherHwmMb'))}) | callers ${mb(pick(n, 'callersMb'))} | spare watchers ${mb(pick(n, 'sparesMb'))}`,
    );
  }
  const verdict = (field: keyof Peak, limit: (one: number) => number) =>
    pick(20, field) <= limit(pick(1, field)) ? 'met' : 'MISSED';
  console.log(
    `    ${mode}: goal 20 ≤ 1.2x one: all ${verdict('totalMb', (one) => one * 1.2)}, watcher ${verdict('watcherMb', (one) => one * 1.2)};` +
      ` goal 20 ≤ 1.4x node -e 0: all ${verdict('totalMb', () => nodeMb * 1.4)}, watcher ${verdict('watcherMb', () => nodeMb * 1.4)}`,
  );
}
