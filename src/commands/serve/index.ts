// `deploy-watch serve`: the team's long-running watcher. Thin: the options are parsed by register.ts, the
// work is monitor/serve.ts's (it writes its own JSON lines on stdout; nothing is rendered here).
import type { Deps } from '../../deps.js';
import { runServe, type ServeOptions } from '../../watcher/serve.js';

export function runServeCommand(options: ServeOptions, deps: Deps): Promise<number> {
  return runServe(deps, options);
}
