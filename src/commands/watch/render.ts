// The live view: on a TTY one status line redrawn with a spinner; elsewhere one line per change.
import type { Deps } from '../../deps.js';
import { duration, paint, shortSha } from '../../kernel/format.js';
import type { Evaluation } from '../../store/outcome.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface WatchView {
  update(e: Evaluation): void;
  end(): void;
}

export function describeProgress(e: Evaluation, nowMs: number): string {
  const r = e.record;
  if (!r) return e.unknown === 'no-record' ? 'waiting for a monitor to record this commit' : 'no outcome known';
  const since = Date.parse(r.startedAt);
  const parts = [r.state, r.phase, r.deploymentId && `deployment ${r.deploymentId}`, r.source && `via ${r.source}`];
  if (Number.isFinite(since)) parts.push(duration((r.finishedAt ? Date.parse(r.finishedAt) : nowMs) - since));
  if (r.message) parts.push(r.message);
  return parts.filter(Boolean).join(' · ');
}

export function createWatchView(sha: string, deps: Deps): WatchView {
  const tty = deps.stdout.isTTY && !deps.globals.json;
  const p = paint(deps.colour);
  const short = shortSha(sha);
  let frame = 0;
  let last = '';
  let startedAt = deps.now();
  if (deps.globals.json) return { update: () => {}, end: () => {} };
  return {
    update(e) {
      const text = describeProgress(e, deps.now());
      if (tty) {
        const spinner = p.yellow(SPINNER[frame++ % SPINNER.length]!);
        deps.stdout.write(`\r\x1b[2K${spinner} ${short} ${text}`);
        return;
      }
      // Off a TTY the elapsed time would make every line "new": compare without it.
      const key = text.replace(/ · \d+[smhd]( \d+[sm])?/, '');
      if (key === last) return;
      last = key;
      const at = duration(deps.now() - startedAt);
      deps.stdout.write(`[${at}] ${short} ${text}\n`);
    },
    end() {
      if (tty) deps.stdout.write('\r\x1b[2K');
      startedAt = 0;
    },
  };
}
