// Polling costs of one commit: API requests for a scripted six-minute deployment, run by the real watcher
// engine on a driven clock (fixed 5 s polling, the plan's 5 s/15 s on paper, ours). Several commits in
// flight and peak RSS are in watcher.ts.
import { END_MS, repoWithCommits, simulateWatcher } from './drivenWatcher.js';

/** The plan's schedule counted on paper: 5 s for 60 s, then 15 s, until the first poll at or after the end. */
function planRequests(): { requests: number; lateMs: number } {
  let t = 0;
  let n = 0;
  for (;;) {
    n++;
    if (t >= END_MS) return { requests: n, lateMs: t - END_MS };
    t += t < 60_000 ? 5_000 : 15_000;
  }
}

const { repo, shas } = repoWithCommits(1);
let fixed: { requests: number; lateMs: number };
let ours: { requests: number; lateMs: number };
try {
  fixed = await simulateWatcher(repo, shas, { fastInterval: 5, fastFor: 86_400, slowInterval: 5, timeout: 1800 });
  ours = await simulateWatcher(repo, shas, { fastInterval: 5, fastFor: 60, slowInterval: 15, timeout: 1800 });
} finally {
  repo.cleanup();
}
const plan = planRequests();
const pct = (n: number) =>
  `${(n / fixed.requests).toFixed(2)}x of fixed, ${Math.round((1 - n / fixed.requests) * 100)}% fewer`;
console.log('six-minute deployment, one commit, driven clock (API requests, end seen late by):');
console.log(`  fixed 5 s polling         ${String(fixed.requests).padStart(4)}   late ${fixed.lateMs / 1000} s`);
console.log(
  `  plan 5 s/60 s then 15 s   ${String(plan.requests).padStart(4)}   late ${plan.lateMs / 1000} s   ${pct(plan.requests)}`,
);
console.log(
  `  deploy-watch (defaults)   ${String(ours.requests).padStart(4)}   late ${ours.lateMs / 1000} s   ${pct(ours.requests)}   (goal: > 60% fewer, ≤ 15 s late)`,
);
