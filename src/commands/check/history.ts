// `deploy-watch check --all`: recent commits with state, duration and source, newest first.
import type { Deps } from '../../core/deps.js';
import { EXIT } from '../../core/exitCodes.js';
import { ago, duration, paint, shortSha, table } from '../../core/format.js';
import { listHistory } from '../../core/history.js';

export async function runCheckAll(limit: number, deps: Deps): Promise<number> {
  const entries = await listHistory(deps.store(), limit, deps.now());
  if (deps.globals.json) {
    deps.stdout.write(`${JSON.stringify(entries)}\n`);
    return EXIT.success;
  }
  if (entries.length === 0) {
    deps.stdout.write('No deployments recorded in this clone yet.\n');
    return EXIT.success;
  }
  const p = paint(deps.colour);
  const colour = { success: p.green, failed: p.red, in_progress: p.yellow, not_found: p.dim };
  const rows = [['SHA', 'BRANCH', 'STATE', 'DURATION', 'SOURCE', 'STARTED']];
  for (const e of entries) {
    const state =
      e.unknown === 'stale' ? `${e.state} (stale)` : e.unknown === 'corrupt' ? 'unreadable' : (e.state ?? '-');
    rows.push([
      shortSha(e.sha),
      e.branch ?? '-',
      colour[e.outcome](state),
      e.durationMs === null ? '-' : duration(e.durationMs),
      e.source ?? '-',
      ago(e.startedAt, deps.now()),
    ]);
  }
  deps.stdout.write(`${table(rows)}\n`);
  return EXIT.success;
}
