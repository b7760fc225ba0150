// The text `deploy-watch init` puts in .husky/pre-push, as a marked block so that a hook the user
// already has keeps its own lines, and a second init replaces the block with identical bytes.
export const BLOCK_BEGIN = '# >>> deploy-watch >>>';
export const BLOCK_END = '# <<< deploy-watch <<<';

/**
 * POSIX sh, run by husky's runner as `sh -e .husky/pre-push <remote> <url>` with git's ref lines on stdin.
 * Only a refused branch name stops the push (deploy-watch exits 65, the hook 1; a crash exits 1 and does not);
 * a missing node or deploy-watch costs one line.
 */
export const PRE_PUSH_BLOCK = [
  `${BLOCK_BEGIN} (written by deploy-watch init; DEPLOY_WATCH=0 skips it)`,
  'dw_env="${XDG_CONFIG_HOME:-$HOME/.config}/deploy-watch/env"; [ ! -f "$dw_env" ] || . "$dw_env"',
  'if [ "${DEPLOY_WATCH:-}" = 0 ]; then :',
  'elif command -v node >/dev/null 2>&1 && command -v deploy-watch >/dev/null 2>&1; then',
  '  deploy-watch hook pre-push "$@" || { [ $? != 65 ] || exit 1; }',
  'else echo "deploy-watch: node or deploy-watch not found (run npm install); the push goes on without a monitor." >&2',
  'fi',
  BLOCK_END,
];

/** Puts `block` between the markers in `text`, replacing an earlier block, or appends it. */
export function upsertBlock(text: string | null, block: readonly string[], begin = BLOCK_BEGIN, end = BLOCK_END): string {
  const body = `${block.join('\n')}\n`;
  if (text === null || text.trim() === '') return body;
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l.startsWith(begin));
  const to = from < 0 ? -1 : lines.findIndex((l, i) => i > from && l.startsWith(end));
  if (from >= 0 && to > from) {
    return [...lines.slice(0, from), ...block, ...lines.slice(to + 1)].join('\n');
  }
  return `${text}${text.endsWith('\n') ? '' : '\n'}\n${body}`;
}
