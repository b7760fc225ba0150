// The hand-over's entry point beside main.ts: `monitor [<commit>] --detach [--branch <name>] [--remote <name>]`
// and the post-push step `hook watch <sha> …` (as the pre-push hook writes it), without the command table.
// Each hands a commit to the watcher and lives until the watcher's record names it: one per push, and
// twenty at once when agents hand over a batch, so what each loads and never uses (commander and every
// command's registration) is memory held twenty times. bin/deploy-watch.js calls runFast first; any other
// shape of these calls (the foreground monitor, --json, --help, a flag written `--flag=value`) goes to main.ts.
import { postPushCall, type PostPushFlags } from './commands/hook/postPushCall.js';
import { runPostPush } from './commands/hook/watch.js';
import { runMonitorCommand } from './commands/monitor/index.js';
import { assertPushNames } from './commands/monitor/names.js';
import { reportError } from './errorReport.js';
import { LOADERS } from './loaders.js';
import { createDeps, processIo } from './runtime.js';

export type HandOverCall =
  | { kind: 'monitor'; commit?: string; branch?: string; remote?: string }
  | { kind: 'post-push'; sha: string; flags: PostPushFlags };

const POST_PUSH_FLAGS = ['branch', 'remote', 'url', 'pid', 'start', 'since', 'timeout'] as const;

/** The call, when this entry takes it; null when main.ts does (and words any problem as commander would). */
export function parseHandOver(argv: readonly string[]): HandOverCall | null {
  if (argv[0] === 'monitor') return parseMonitor(argv.slice(1));
  if (argv[0] === 'hook' && argv[1] === 'watch') return parsePostPush(argv.slice(2));
  return null;
}

function parseMonitor(args: readonly string[]): HandOverCall | null {
  const call: { kind: 'monitor'; commit?: string; branch?: string; remote?: string } = { kind: 'monitor' };
  let detach = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg === '--branch' ? 'branch' : arg === '--remote' ? 'remote' : null;
    if (arg === '--detach' && !detach) detach = true;
    else if (name && call[name] === undefined && isValue(args[i + 1])) call[name] = args[++i]!;
    else if (!arg.startsWith('-') && call.commit === undefined) call.commit = arg;
    else return null;
  }
  return detach ? call : null; // the foreground monitor follows the commit to its end: main.ts
}

function parsePostPush(args: readonly string[]): HandOverCall | null {
  const sha = args[0];
  if (!isValue(sha) || sha === '') return null;
  const flags: Partial<Record<(typeof POST_PUSH_FLAGS)[number], string>> = {};
  for (let i = 1; i < args.length; i += 2) {
    const name = POST_PUSH_FLAGS.find((f) => args[i] === `--${f}`);
    if (!name || flags[name] !== undefined || !isValue(args[i + 1])) return null;
    flags[name] = args[i + 1]!;
  }
  const { branch, remote } = flags;
  if (branch === undefined || remote === undefined) return null; // commander says which is missing
  return { kind: 'post-push', sha, flags: { ...flags, branch, remote } };
}

/** A flag's value as the hook writes them (`--start ''` included); anything flag-like is commander's to word. */
const isValue = (arg: string | undefined): arg is string => arg !== undefined && !arg.startsWith('-');

/** Resolves to the exit code, or null when main.ts should take the call. */
export async function runFast(argv: readonly string[]): Promise<number | null> {
  const call = parseHandOver(argv);
  if (!call) return null;
  const io = processIo();
  let leave = false;
  let exitCode: number;
  try {
    const globals = { json: false, quiet: false, verbose: false, cwd: '.' };
    const deps = createDeps(globals, io, LOADERS, () => void (leave = true));
    if (call.kind === 'monitor') {
      assertPushNames(call);
      const { commit, branch, remote } = call;
      exitCode = await runMonitorCommand({ commit, detach: true, branch, remote }, deps);
    } else {
      const { request, timeout } = postPushCall(call.sha, call.flags);
      exitCode = await runPostPush(request, timeout, deps);
    }
  } catch (error) {
    exitCode = reportError(error, io.stderr, false);
  }
  // As main.ts: a command that asked to end the process at once (Deps.leaveWhenDone) leaves now.
  if (leave) process.exit(exitCode);
  return exitCode;
}
