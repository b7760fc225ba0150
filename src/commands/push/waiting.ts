// What a pusher shows while it waits for its turn: a line redrawn in place on a terminal, one line
// off a terminal (logs of 24 agents stay readable), a JSON event per change with --json (on stderr,
// so stdout keeps its one result object).
import type { Deps } from '../../deps.js';
import * as msg from '../../kernel/messages.js';

export interface WaitingView {
  update(ahead: number): void;
  /** Clears the redrawn line once the turn starts. */
  done(): void;
}

export function waitingView(deps: Deps): WaitingView {
  const out = deps.stderr;
  if (deps.globals.json)
    return { update: (ahead) => out.write(`${JSON.stringify({ event: 'waiting', ahead })}\n`), done: () => undefined };
  if (deps.globals.quiet) return { update: () => undefined, done: () => undefined };
  if (out.isTTY) {
    let drawn = false;
    return {
      update: (ahead) => {
        out.write(`\r\x1b[K${msg.pushWaiting(ahead)}`);
        drawn = true;
      },
      done: () => drawn && out.write('\r\x1b[K'),
    };
  }
  let said = false;
  return {
    update: (ahead) => {
      if (!said) out.write(`${msg.pushWaiting(ahead)}\n`);
      said = true;
    },
    done: () => undefined,
  };
}
