// The text `deploy-watch init` puts in .husky/pre-push, as a marked block so that a hook the user
// already has keeps its own lines, and a second init replaces the block with identical bytes.
import { EXIT_CODES } from '../kernel/exitCodes.js';
import { CONFIG_FILE } from '../kernel/config/rawConfig.js';
import { DO_TOKEN_VARIABLES } from '../kernel/config/doToken.js';
import { CACHE_FILE, CACHE_VERSION, HOOK_ENV_OVERRIDES, NEEDS, SHA_MARK } from './hookCache.js';
import { SHELL_NAME_CHARS, SHELL_NAME_MAX } from './shellPattern.js';
import { PUSHING_DIR } from '../store/files/pushMarks.js';
import { WAIT_THEN_EXEC } from './startPostPush.js';

export const BLOCK_BEGIN = '# >>> deploy-watch >>>';
export const BLOCK_END = '# <<< deploy-watch <<<';

/** Not 1: Node exits 1 on a crash, and a broken install must never block a push (the script maps this to 1). */
export const REFUSED = EXIT_CODES.hookRefused;

/**
 * A push of one other branch without Node (dw_fast has checked the cache, the remote and the ref line):
 * `dw_other <local ref> <remote ref>` succeeds when Node would have said nothing, the name matching the
 * pattern (`grep -E` with the cache's ERE, written only for a pattern both read alike: shellPattern.ts) and
 * the local branch not behind its upstream (`git for-each-ref`, as Node asks it). Anything else, a refusal
 * or a warning included, returns 1: Node then says it in its own words.
 */
const OTHER_BRANCH = [
  'dw_other() {',
  '  case $dw_ere in =?*) ;; *) return 1 ;; esac',
  '  case $2 in refs/heads/?*) ;; *) return 1 ;; esac',
  '  dw_b=${2#refs/heads/}',
  `  case $dw_b in *[!${SHELL_NAME_CHARS}]*) return 1 ;; esac`,
  `  [ \${#dw_b} -le ${SHELL_NAME_MAX} ] || return 1`,
  `  printf '%s\\n' "$dw_b" | LC_ALL=C grep -Eq -e "\${dw_ere#=}" 2>/dev/null || return 1`,
  '  case $1 in refs/heads/?*) ;; *) return 0 ;; esac',
  `  dw_t=$(LC_ALL=C git for-each-ref '--format=%(upstream:track,nobracket)' "$1" 2>/dev/null) || return 1`,
  '  case $dw_t in *behind*) return 1 ;; esac',
  '}',
];

/**
 * The deploy-branch push without Node: the case that happens all day, where the hook only arms the
 * post-push step. `dw_fast` succeeds only when it is sure (one ref line, to the cached remote's
 * deploy branch, a cache whose config source's mtime has not moved, Linux's /proc to find `git push`);
 * anything else returns 1 and the caller takes the Node path with the same stdin. Builtins only: every
 * process a hook forks costs the push about a millisecond, so the cache is sourced (`read` takes a system
 * call a byte), the config is checked with `test -nt/-ot` (hookCache.ts), the process walk reads the
 * short `status` until it reaches git, and the post-push step is a forked subshell that waits for the push and
 * only then execs `setsid node`. Called as an `if` condition, so husky's `sh -e` does not end the hook on
 * a failed test inside it.
 */
const FAST_PATH = [
  ...OTHER_BRANCH,
  'dw_fast() {',
  `  [ -z "${HOOK_ENV_OVERRIDES.map((v) => `\${${v}:-}`).join('')}" ] && [ "\${HUSKY:-}" != 0 ] && [ -r /proc/$$/status ] || return 1`,
  '  if [ -d .git ]; then dw_gd=.git; elif [ -f .git ]; then read -r dw_gd < .git || return 1; dw_gd=${dw_gd#gitdir: }; else return 1; fi',
  `  dw_c="$dw_gd/${CACHE_FILE}"; dw_v=; [ -f "$dw_c" ] && command . "$dw_c" 2>/dev/null && [ "$dw_v" = "${CACHE_VERSION}" ] || return 1`,
  `  case $dw_src in ${CONFIG_FILE}) ;; package.json) [ ! -e ${CONFIG_FILE} ] || return 1 ;; *) return 1 ;; esac`,
  '  [ "$dw_src" -nt "$dw_c" ] && [ "$dw_src" -ot "$dw_gd/$dw_mark" ] && [ "$1" = "$dw_remote" ] && [ "$2" != "$1" ] || return 1',
  '  set -- $dw_in',
  '  [ $# = 4 ] && [ "$1" != "(delete)" ] || return 1',
  '  case $2 in "" | *[!0-9a-f]*) return 1 ;; *[!0]*) ;; *) return 1 ;; esac',
  // Another branch: its name against the pattern and behind-ness, where the shell reads them as Node does.
  '  [ "$3" = "refs/heads/$dw_branch" ] || { dw_other "$1" "$3"; return; }',
  // A monitor can start only with what its source needs from the environment now, and a state folder it
  // can write (a full disk only the Node path sees); otherwise the Node path says why at push time.
  `  dw_ok=; for dw_k in $dw_need; do case " ${NEEDS.nothing} ${DO_TOKEN_VARIABLES.map((v) => `\${${v}:+${NEEDS.doToken}}`).join(' ')} \${DATABASE_URL:+${NEEDS.databaseUrl}} " in *" $dw_k "*) dw_ok=1 ;; esac; done`,
  '  case ${DEPLOY_WATCH_DO_API_URL:-https://} in http://* | https://*) ;; *) return 1 ;; esac',
  '  dw_sd=${DEPLOY_WATCH_STATE_DIR:-$dw_state}; [ -n "$dw_ok" ] || return 1',
  '  if [ -d "$dw_sd" ]; then [ -w "$dw_sd" ] && { [ ! -e "$dw_sd/runs" ] || [ -w "$dw_sd/runs" ]; }; else [ ! -e "$dw_sd" ] && [ -w "${dw_sd%/*}" ]; fi || return 1',
  '  [ -x "$dw_node" ] && [ -f "$dw_bin" ] || return 1',
  '  dw_sha=$2; dw_p=$PPID; dw_n=0',
  '  while [ $dw_n -lt 8 ]; do',
  '    { read -r dw_k dw_name || return 1; [ "$dw_name" != git ] || break',
  '      while read -r dw_k dw_q && [ "$dw_k" != PPid: ]; do :; done; } < /proc/$dw_p/status',
  '    dw_p=$dw_q; dw_n=$((dw_n+1)); [ "$dw_p" -gt 1 ] 2>/dev/null || return 1',
  '  done',
  '  [ "$dw_name" = git ] && read -r dw_st < /proc/$dw_p/stat || return 1',
  '  set -- ${dw_st##*) }',
  '  dw_start=${20}',
  `  ( trap '' HUP INT QUIT; set +e; dw_d=; ! command -v setsid >/dev/null 2>&1 || dw_d=setsid`,
  '    set -- "$dw_p" $dw_d "$dw_node" "$dw_bin" hook watch "$dw_sha" --branch "$dw_branch" --remote "$dw_remote" --pid "$dw_p" --start "$dw_start"',
  `    ${WAIT_THEN_EXEC} ) </dev/null >/dev/null 2>&1 &`,
  // The mark `check` finds the step by until it hands the commit over (store/files/pushMarks.ts): the
  // subshell's PID, which becomes Node's by exec, and its start time (field 22 of its stat, as for git's
  // above). mkdir only the first time; read and printf are builtins.
  '  dw_w=$!; dw_st=; read -r dw_st 2>/dev/null < /proc/$dw_w/stat || :; set -- ${dw_st##*) }',
  `  { [ -d "$dw_sd/${PUSHING_DIR}" ] || mkdir -p "$dw_sd/${PUSHING_DIR}"; } 2>/dev/null && { printf '%s %s\\n' "$dw_w" "\${20:-}" > "$dw_sd/${PUSHING_DIR}/$dw_sha"; } 2>/dev/null || :`,
  '  dw_short=${dw_sha%"${dw_sha#???????}"}; dw_out=',
  `  while :; do case $dw_msg in *${SHA_MARK}*) dw_out="$dw_out\${dw_msg%%${SHA_MARK}*}$dw_short"; dw_msg=\${dw_msg#*${SHA_MARK}} ;; *) dw_out="$dw_out$dw_msg"; break ;; esac; done`,
  `  printf '%s\\n' "$dw_out" >&2`,
  '}',
];

/**
 * A linked git worktree has no node_modules of its own until someone runs npm install there: its hook then
 * takes deploy-watch from the main worktree's (`.git` is a file naming the worktree's git dir, whose
 * `commondir` leads to the clone's .git). Builtins only; a main worktree or a found deploy-watch skips it.
 */
export const WORKTREE_PATH = [
  'if [ -f .git ] && ! command -v deploy-watch >/dev/null 2>&1; then',
  '  dw_wt=; dw_cd=; read -r dw_wt < .git || :; dw_wt=${dw_wt#gitdir: }',
  '  [ ! -f "$dw_wt/commondir" ] || read -r dw_cd < "$dw_wt/commondir" || :',
  '  case $dw_cd in /*) ;; ?*) dw_cd="$dw_wt/$dw_cd" ;; esac',
  '  [ -z "$dw_cd" ] || PATH="$PATH:$dw_cd/../node_modules/.bin"',
  'fi',
];

/**
 * POSIX sh, run by husky's runner as `sh -e .husky/pre-push <remote> <url>` with git's ref lines on stdin.
 * `command` runs deploy-watch (`deploy-watch` where npm installed it; this repository's own hook runs its
 * build). Only a refused branch name stops the push (deploy-watch exits REFUSED, the hook 1; a crash
 * exits 1 and does not); a missing node or deploy-watch costs one line.
 */
export function prePushBlock(
  command = 'deploy-watch',
  found = 'command -v node >/dev/null 2>&1 && command -v deploy-watch >/dev/null 2>&1',
): string[] {
  return [
    `${BLOCK_BEGIN} (written by deploy-watch init; DEPLOY_WATCH=0 skips it)`,
    'dw_env="${XDG_CONFIG_HOME:-$HOME/.config}/deploy-watch/env"; [ ! -f "$dw_env" ] || . "$dw_env"',
    ...WORKTREE_PATH,
    'if [ "${DEPLOY_WATCH:-}" = 0 ]; then :',
    `elif ${found}; then`,
    ...FAST_PATH.map((l) => `  ${l}`),
    '  dw_in=; while IFS= read -r dw_l || [ -n "$dw_l" ]; do dw_in="$dw_in$dw_l',
    '"; done',
    '  if dw_fast "$@"; then :',
    `  else printf '%s' "$dw_in" | ${command} hook pre-push "$@" || { [ $? != ${REFUSED} ] || exit 1; }`,
    '  fi',
    'else echo "deploy-watch: node or deploy-watch not found; the push goes on without a monitor. Fix: npm install (deploy-watch is in package.json), else npm install --save-dev <its git URL or tarball>." >&2',
    'fi',
    BLOCK_END,
  ];
}

export const PRE_PUSH_BLOCK = prePushBlock();

/** Where init's post-checkout block copies husky's runner to, and from. */
export const HUSKY_RUNNER_DIR = '.husky/_';

/**
 * .husky/post-checkout: git runs it in a new worktree right after `git worktree add`, from the worktree
 * the command ran in (`$0` is then that worktree's absolute .husky/post-checkout). Husky's runner
 * (.husky/_, git-ignored, made by npm install) is missing in the new worktree, so git would run no hook
 * there: copying it in makes the new worktree's pushes watched, without an npm install. Any other
 * checkout finds the runner in place and costs one `test`.
 */
export const POST_CHECKOUT_BLOCK = [
  `${BLOCK_BEGIN} (written by deploy-watch init: git worktrees get husky's runner, so their pushes are watched)`,
  `if [ ! -f ${HUSKY_RUNNER_DIR}/h ] && [ -f "\${0%/*}/_/h" ]; then`,
  `  mkdir -p ${HUSKY_RUNNER_DIR} && cp -p "\${0%/*}/_/"* "\${0%/*}/_/.gitignore" ${HUSKY_RUNNER_DIR}/ ||`,
  `    echo "deploy-watch: could not set up husky's runner in this worktree; run: npx deploy-watch init" >&2`,
  'fi',
  BLOCK_END,
];

/** Puts `block` between the markers in `text`, replacing an earlier block, or appends it. */
export function upsertBlock(
  text: string | null,
  block: readonly string[],
  begin = BLOCK_BEGIN,
  end = BLOCK_END,
): string {
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
