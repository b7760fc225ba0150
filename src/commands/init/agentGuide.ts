// The short section `init --agents` adds to the repository's agent instructions (AGENTS.md, and
// CLAUDE.md when it exists), as a marked block so that a second run changes nothing.
import { join } from 'node:path';
import { EXIT, PUSH_EXIT } from '../../kernel/exitCodes.js';
import { upsertBlock } from '../../hooks/huskyHook.js';
import type { FileChange } from './plan.js';
import * as msg from '../../kernel/messages.js';

export const AGENT_BEGIN = '<!-- >>> deploy-watch >>> -->';
export const AGENT_END = '<!-- <<< deploy-watch <<< -->';

/**
 * How agents call deploy-watch: the project's own bin, not `npx` (npx resolves the package on every call,
 * about 3x the time of the check itself, and agents check after every task). In a linked worktree without
 * node_modules of its own, the main worktree's (as the hook finds it), never `npx`, which would look for
 * a package of that name on the registry.
 */
export const AGENT_BIN = msg.RUN;
export const AGENT_BIN_IN_WORKTREE = '"$(git rev-parse --git-common-dir)/../node_modules/.bin/deploy-watch"';

/**
 * What an agent does on each exit of `check --wait` (the agent guide lists these). Each answer leads to an
 * action that can end: a cause that would repeat is fixed or handed to a human, never resumed in a loop.
 */
const CHECK_EXIT_ADVICE: readonly (readonly [number, string])[] = [
  [EXIT.success, 'deployed. Done.'],
  [
    EXIT.failed,
    "the deployment failed. `message` has DigitalOcean's reason and `logTail` the log's last lines: fix the " +
      'code, commit, push again. While `record.logs.state` is "fetching", run the same check again for the ' +
      `log (\`logsNote\` says until when); when it is "missing" or \`logsInterrupted\` is true, ` +
      `\`${AGENT_BIN} logs <sha> --json\` fetches it (checking again would not).`,
  ],
  [
    EXIT.inProgress,
    'still deploying when the wait ended. Run the same command again (it waits again); do not report the task done yet.',
  ],
  [EXIT.notFound, 'no outcome is known; `unknown` and `message` say why, and what to do:'],
  [
    EXIT.config,
    'the config is invalid: stderr names the file and the key. Fix it (or tell the human), then check again.',
  ],
];

/** Exit 3, by its `unknown` (and the record's `cause`): the next step for each, none of them a loop. */
const NOT_FOUND_ADVICE: readonly string[] = [
  '`unknown` "stopped" with `record.cause` set, or "start-failed": it repeats until fixed, so do not resume ' +
    'it. Fix what `message` names if it is yours to fix (the token in DIGITALOCEAN_ACCESS_TOKEN, ' +
    '`digitalocean.appId`, the config), else tell the human and stop.',
  `\`unknown\` "no-record" (nobody watched) or "stale" (the watcher died) with no top-level \`cause\`: run ` +
    `\`${AGENT_BIN} monitor <sha> --detach\` once, then the check again. Still exit 3 after that: tell the human.`,
  'A top-level `cause` (the watcher could not write: `code` "ENOSPC" a full disk, "EROFS" a read-only file ' +
    'system, "lock-lost" another process took its lock): resuming fails the same way. Free the space or ' +
    'fix the folder if that is yours to do (`message` says how), else tell the human and stop.',
  '`unknown` "frozen" (the watcher is alive but makes no progress, `stall` says why): tell the human; if you ' +
    `started it and may, \`kill -CONT <stall.pid>\` once, then the check again.`,
  '`unknown` "store-unreachable" (team mode, the team store is down and this machine has no answer): ' +
    'run the same `check --wait` again later; still exit 3 after a few minutes: tell the human.',
  '`unknown` "stopped" without `record.cause`: something stopped the watcher, and `message` says what. ' +
    '"stopped by deploy-watch manage stop" is a human\'s choice: leave it and tell them. A signal (the ' +
    `machine or sandbox stopping): \`${AGENT_BIN} monitor <sha> --detach\` once, then the check again.`,
  '`unknown` "corrupt": tell the human (`message` names the file).',
];

/** What each exit of `deploy-watch push` means to an agent (the agent guide lists these). */
const PUSH_EXIT_ADVICE: readonly (readonly [number, string])[] = [
  [PUSH_EXIT.pushed, 'pushed'],
  [PUSH_EXIT.failed, 'a conflict or refusal a human must see (the message lists the files and the commands)'],
  [PUSH_EXIT.dirtyTree, 'dirty tree'],
  [PUSH_EXIT.inProgress, 'an operation in progress'],
  [PUSH_EXIT.detachedHead, 'detached HEAD'],
  [PUSH_EXIT.noUpstream, 'no upstream'],
  [PUSH_EXIT.gaveUp, 'gave up after retries (try again later)'],
  [PUSH_EXIT.interrupted, 'interrupted while waiting for its turn, nothing changed (push again)'],
];

/** Greedy word wrap to the width of the guide's hand-written lines. */
function wrap(text: string, first: string, rest: string, width = 100): string[] {
  const lines: string[] = [];
  const indent = () => (lines.length === 0 ? first : rest);
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent().length + line.length + 1 + word.length > width) {
      lines.push(indent() + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, indent() + line];
}

const pushExits = PUSH_EXIT_ADVICE.map(([code, meaning]) => `${code} ${meaning}`).join('; ');

export const AGENT_SECTION = [
  `${AGENT_BEGIN}`,
  '## Pushing and deploying (deploy-watch)',
  '',
  ...wrap(
    `Every push to \`main\` deploys. Do it like this (run deploy-watch as \`${AGENT_BIN}\`, not with npx, ` +
      `which is 3x slower; in a linked git worktree without its own \`node_modules\`, as the main worktree's: ` +
      `\`${AGENT_BIN_IN_WORKTREE}\`):`,
    '',
    '',
  ),
  '',
  ...wrap(
    `Push with \`${AGENT_BIN} push\` (not \`git push\`): it rebases onto a moved \`main\`, merges the ` +
      'roadmap, changelog and session files itself, retries with backoff, and never force-pushes.',
    '1. ',
    '   ',
  ),
  ...wrap(`Exit ${pushExits}.`, '   ', '   '),
  ...wrap(
    `Before you call a task done, run \`${AGENT_BIN} check --wait 30 --json\` and act on the exit code:`,
    '2. ',
    '   ',
  ),
  ...CHECK_EXIT_ADVICE.flatMap(([code, advice]) => [
    ...wrap(`${code}: ${advice}`, '   - ', '     '),
    ...(code === EXIT.notFound ? NOT_FOUND_ADVICE.flatMap((a) => wrap(a, '     - ', '       ')) : []),
  ]),
  '3. Never use `git push --force`, and never `git rebase -X ours/theirs` to get past a conflict.',
  AGENT_END,
];

/** AGENTS.md always; CLAUDE.md too when the repository already has one. */
export function planAgentGuides(top: string, read: (file: string) => string | null): FileChange[] {
  const files = ['AGENTS.md', ...(read(join(top, 'CLAUDE.md')) !== null ? ['CLAUDE.md'] : [])];
  return files.map((path) => {
    const before = read(join(top, path));
    return {
      path,
      before,
      after: upsertBlock(before, AGENT_SECTION, AGENT_BEGIN, AGENT_END),
      what: 'how agents push and check deployments',
    };
  });
}
