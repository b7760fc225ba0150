// `deploy-watch manage status|stop <sha>|cleanup`: the background monitors of this clone.
import type { Deps } from '../../core/deps.js';
import { InternalError } from '../../core/errors.js';
import { EXIT } from '../../core/exitCodes.js';
import { resolveCommit } from '../../core/commitRef.js';
import { ago, paint, shortSha, table } from '../../core/format.js';
import * as msg from '../../core/messages.js';
import { listMonitors, removeStaleMonitorFiles, stopMonitor } from '../../core/monitors.js';

export async function runManageStatus(deps: Deps): Promise<number> {
  const monitors = await listMonitors(deps.store());
  if (deps.globals.json) {
    deps.stdout.write(`${JSON.stringify(monitors)}\n`);
    return EXIT.success;
  }
  if (monitors.length === 0) {
    if (!deps.globals.quiet) deps.stdout.write(`${msg.NO_MONITORS}\n`);
    return EXIT.success;
  }
  const p = paint(deps.colour);
  const now = deps.now();
  const rows = [['SHA', 'BRANCH', 'PID', 'AGE', 'STATE', '']];
  for (const m of monitors) {
    const note =
      m.liveness === 'alive' ? '' : p.yellow(m.liveness === 'reused' ? 'stale (PID reused)' : 'stale (monitor gone)');
    rows.push([
      shortSha(m.sha),
      m.record?.branch ?? '-',
      m.pid ? String(m.pid) : '-',
      ago(m.startedAt, now).replace(/ ago$/, ''),
      m.record?.state ?? 'starting',
      note,
    ]);
  }
  deps.stdout.write(`${table(rows)}\n`);
  if (monitors.some((m) => m.stale) && !deps.globals.quiet)
    deps.stdout.write(p.dim('Stale entries: remove their PID and lock files with deploy-watch manage cleanup.\n'));
  return EXIT.success;
}

export interface StopOptions {
  commit: string;
  /** Seconds between SIGTERM and SIGKILL. */
  grace: number;
}

export async function runManageStop(options: StopOptions, deps: Deps): Promise<number> {
  const store = deps.store();
  const sha = await resolveCommit(options.commit, { store, head: null, storeOnly: true });
  const result = await stopMonitor(sha, options.grace * 1000, {
    store,
    kill: deps.kill,
    now: deps.now,
    sleep: deps.sleep,
  });
  const short = shortSha(sha);
  if (result.status === 'survived') throw new InternalError(msg.stopFailed(short, result.pid));
  if (deps.globals.json) deps.stdout.write(`${JSON.stringify(result)}\n`);
  else if (!deps.globals.quiet)
    deps.stdout.write(
      `${result.status === 'stopped' ? msg.stopped(short, result.pid, result.signal) : msg.stopNothing(short)}\n`,
    );
  return EXIT.success;
}

export async function runManageCleanup(deps: Deps): Promise<number> {
  const removed = await removeStaleMonitorFiles(deps.store(), deps.now());
  if (deps.globals.json) deps.stdout.write(`${JSON.stringify({ removed })}\n`);
  else if (removed.length > 0 || deps.globals.verbose) {
    deps.stdout.write(
      `${[...removed.map((f) => `removed ${f}`), msg.removedCount(removed.length, false)].join('\n')}\n`,
    );
  }
  return EXIT.success;
}
