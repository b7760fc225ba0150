// The short section `init --agents` adds to the repository's agent instructions (AGENTS.md, and
// CLAUDE.md when it exists), as a marked block so that a second run changes nothing.
import { join } from 'node:path';
import { EXIT, PUSH_EXIT } from '../../core/exitCodes.js';
import { upsertBlock } from '../../hooks/huskyHook.js';
import type { FileChange } from './plan.js';

export const AGENT_BEGIN = '<!-- >>> deploy-watch >>> -->';
export const AGENT_END = '<!-- <<< deploy-watch <<< -->';

/** What an agent does on each exit of `check --wait` (the agent guide lists these). */
const CHECK_EXIT_ADVICE: readonly (readonly [number, string])[] = [
  [EXIT.success, 'deployed. Done.'],
  [
    EXIT.failed,
    'the deployment failed. Read `logTail` and `record.message` in the JSON, fix, push again. No `logTail` yet ' +
      'while `record.logs.state` is "fetching": check again in a minute; when it is "missing", ' +
      '`npx deploy-watch logs --json` fetches them.',
  ],
  [EXIT.inProgress, 'still deploying after 30 s. Run the same command again; do not report the task done yet.'],
  [
    EXIT.notFound,
    'nobody watched this commit (or the watcher died). Run `npx deploy-watch monitor --detach` (it resumes it), then the check again. With `unknown` "start-failed", fix what `message` names first.',
  ],
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
  'Every push to `main` deploys. Do it like this:',
  '',
  '1. Push with `npx deploy-watch push` (not `git push`): it rebases onto a moved `main`, merges the',
  '   roadmap, changelog and session files itself, retries with backoff, and never force-pushes.',
  ...wrap(`Exit ${pushExits}.`, '   ', '   '),
  '2. Before you call a task done, run `npx deploy-watch check --wait 30 --json` and act on the exit code:',
  ...CHECK_EXIT_ADVICE.flatMap(([code, advice]) => wrap(`${code}: ${advice}`, '   - ', '     ')),
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
