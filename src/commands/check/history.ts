// `deploy-watch check --all`: recent commits with state, duration and source, newest first; on a team
// store the team's commits, with who pushed each and from which machine.
import type { Deps } from '../../deps.js';
import { EXIT } from '../../kernel/exitCodes.js';
import { ago, duration, paint, shortSha, table } from '../../kernel/format.js';
import { listHistory } from '../../store/history.js';
import * as msg from '../../kernel/messages.js';

export async function runCheckAll(limit: number, deps: Deps): Promise<number> {
  const store = deps.store();
  const team = deps.team() !== null;
  const entries = await listHistory(store, limit, deps.now());
  if (deps.globals.json) {
    deps.stdout.write(`${JSON.stringify(entries)}\n`);
    return EXIT.success;
  }
  if (entries.length === 0) {
    deps.stdout.write(`${team ? msg.NO_TEAM_HISTORY : msg.NO_HISTORY}\n`);
    return EXIT.success;
  }
  const p = paint(deps.colour);
  const colour = { success: p.green, failed: p.red, in_progress: p.yellow, not_found: p.dim };
  const rows = [['SHA', 'BRANCH', 'STATE', 'DURATION', 'SOURCE', ...(team ? ['PUSHED BY', 'HOST'] : []), 'STARTED']];
  for (const e of entries) {
    const state =
      e.unknown === 'stale' ? `${e.state} (stale)` : e.unknown === 'corrupt' ? 'unreadable' : (e.state ?? '-');
    rows.push([
      shortSha(e.sha),
      e.branch ?? '-',
      colour[e.outcome](state),
      e.durationMs === null ? '-' : duration(e.durationMs),
      e.source ?? '-',
      ...(team ? [e.pushedBy ?? '-', e.pushedFrom ?? '-'] : []),
      ago(e.startedAt, deps.now()),
    ]);
  }
  deps.stdout.write(`${table(rows)}\n`);
  return EXIT.success;
}
