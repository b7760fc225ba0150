// All user-facing text, in one place: fixed text as constants, text with values as small functions.
// Every error says what is wrong and what to do about it.

const BIN = 'deploy-watch';

// Repository and arguments
export const notARepository = (cwd: string) =>
  `${cwd} is not inside a git repository. Run ${BIN} from your project's folder, or pass --cwd <dir>.`;
export const NO_COMMITS_YET = `This branch has no commit yet, so there is nothing to check. Commit and push first, or name a commit: ${BIN} check <sha>.`;
export const commitArgTooLong = (length: number) =>
  `The commit argument is ${length} characters long; a commit is named by a sha (4 to 40 hex digits) or a ref such as HEAD~1.`;
export const invalidCommitArg = (input: string) =>
  `"${printable(input)}" is not a commit name. Give a sha or a unique prefix of one (4 to 40 hex digits), or a ref such as HEAD, HEAD~1 or main.`;
export const ambiguousPrefix = (prefix: string, matches: string[]) =>
  `The prefix ${prefix} matches ${matches.length} commits (${matches
    .slice(0, 5)
    .map((s) => s.slice(0, 12))
    .join(', ')}${matches.length > 5 ? ', …' : ''}). Give more digits.`;
export const unknownCommit = (input: string) =>
  `No commit named "${printable(input)}" in this repository. Check the sha (git log --oneline), or fetch first if it was pushed from elsewhere.`;
export const noStateForCommit = (input: string) =>
  `No monitor or status record here matches "${printable(input)}". List them with: ${BIN} manage status.`;
export const badNumber = (flag: string, value: string, what: string) =>
  `${flag} must be ${what}; got "${printable(value)}".`;
export const limitWithoutAll = `--limit sets how many commits check --all lists: give it with --all (${BIN} check --all --limit 5), or leave it out.`;
export const cwdMissing = (dir: string) =>
  `--cwd ${printable(dir, 300)}: no such folder. Give the path of your project's folder (or a folder inside it).`;
export const cwdNotFolder = (dir: string) =>
  `--cwd ${printable(dir, 300)} is not a folder. Give the path of your project's folder.`;

// State folder
export const stateDirUnusable = (dir: string, code: string, detail: string) =>
  `The state folder ${dir} cannot be used (${detail.startsWith(code) ? detail : `${code}: ${detail}`}). ${stateDirFix(dir, code)}`;
/** The fix for a file error in the state folder, by its cause: a full disk is not fixed by chmod. */
export function stateDirFix(dir: string, code: string | undefined): string {
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return `The disk (or your quota) is full: free space on the file system holding ${dir} (see: df -h "${dir}"), or point DEPLOY_WATCH_STATE_DIR elsewhere.`;
  if (code === 'EROFS')
    return `The file system holding ${dir} is mounted read-only: remount it read-write, or point DEPLOY_WATCH_STATE_DIR at a writable folder.`;
  if (code === 'EACCES' || code === 'EPERM')
    return `Make it a folder you can read and write (for example: chmod u+rwx "${dir}"), or point DEPLOY_WATCH_STATE_DIR elsewhere.`;
  return `Make it a folder you can read and write, or point DEPLOY_WATCH_STATE_DIR elsewhere.`;
}

export const linkRefused = (path: string, target: string | null) =>
  target === null
    ? `${path} is not a folder or file that deploy-watch made; it never writes or deletes through something planted in its state folder. Move it away and run the command again.`
    : `${path} is a symbolic link (to ${target}); deploy-watch never writes or deletes through a link in its state folder. Remove the link (rm "${path}") and run the command again.`;
export const stateDirDiskFull = (dir: string) =>
  `The disk that holds the state folder ${dir} is full (ENOSPC): free some space there, or point DEPLOY_WATCH_STATE_DIR at another disk.`;

// Config
export const configUnreadable = (file: string, detail: string) =>
  `Cannot read ${file}: ${detail}. Fix its permissions or remove it.`;
export const configNotJson = (file: string, spot: { line: number; column: number; text: string; reason: string }) =>
  `${file}:${spot.line}:${spot.column}: this file is not valid JSON (${spot.reason}). Fix the syntax; an empty config is {}.\n  ${printable(spot.text, 200)}\n  ${spot.text
    .slice(0, spot.column - 1)
    .replace(/[^\t]/g, ' ')}^`;
export const configNotObject = (origin: string) =>
  `${origin} must hold a JSON object of deploy-watch settings, for example {"branch": "main"}.`;
export const configHoldsSecret = (origin: string, key: string) =>
  `${origin} has a secret-looking key "${key}". Secrets never go in the config file: set DIGITALOCEAN_ACCESS_TOKEN or DATABASE_URL in the environment (or ~/.config/deploy-watch/env) and remove the key.`;
export interface ConfigProblem {
  key: string;
  problem: string;
  allowed: string | null;
}
const configProblem = ({ key, problem, allowed }: ConfigProblem) =>
  `"${key}" ${problem.replace(/^./, (c) => c.toLowerCase())}.${allowed ? ` Allowed here: ${allowed}.` : ''}`;
/** One problem on one line as before; several listed one a line, all in the same run. */
export const configInvalid = (origin: string, problems: readonly ConfigProblem[]) =>
  problems.length === 1
    ? `${origin}: ${configProblem(problems[0]!)} See the README's Configuration section.`
    : `${origin} has ${problems.length} problems:\n${problems.map((p) => `  - ${configProblem(p)}`).join('\n')}\nSee the README's Configuration section.`;
/** A number config key's bounds, named in its error so a typo (1e-9, 1e10, 1e400) says what is allowed. */
export const atLeast = (min: number, unit: string) => `must be at least ${min} ${unit}`;
export const atMost = (max: number, unit: string) => `must be at most ${max} ${unit}`;
export const moreThan = (min: number, unit: string) => `must be more than ${min} ${unit}`;
export const slowBelowFast = 'must be at least "fastInterval": the slow polling may not be faster than the fast one';
export const pollFloor = (value: number, floor: number) =>
  `is ${value} seconds; it must be at least ${floor} against DigitalOcean's API, whose token allows 5,000 requests an hour for the whole team (shorter intervals are only for a test API on this machine: DEPLOY_WATCH_DO_API_URL on 127.0.0.1)`;
export const doAppKeys = (count: number) =>
  count === 0
    ? 'needs "appId" (one app) or "apps" (several apps, each {"id": "<app uuid>", "name": "<short-name>"})'
    : 'has both "appId" and "apps": keep "appId" for one app, or list every app under "apps" (each with a short name) and remove "appId"';
export const APP_NAME_RULE = 'must be a short name of lowercase letters, digits and dashes, such as "api" or "web"';
export const duplicateAppName = (name: string) => `names "${printable(name)}" twice: give each app its own short name`;
export const appLeftOut = (name: string, branch: string) =>
  `A push to ${branch} does not deploy ${name}, so its deployments are left out of each push's outcome. If it should count:`;
export const badApiUrl = (url: string) => `DEPLOY_WATCH_DO_API_URL must be an http(s) URL; got "${printable(url)}".`;

// check
export const noRecord = (short: string) =>
  `No deployment record for ${short}: no monitor has watched this commit on this machine. Start one with: ${RUN} monitor ${short} --detach (or wait for it: ${RUN} check ${short} --wait 600).`;
export const monitorStarting = (short: string) =>
  `A monitor is starting for ${short} (the push's watcher is handing it over); no record yet. Ask again in a few seconds, or wait for the outcome: ${RUN} check ${short} --wait 600.`;
export const monitorStopped = (short: string, by: string | null | undefined, why: string | null) =>
  `The monitor for ${short} was ${stoppedHow(by)} before the deployment finished${why && !by ? ` (${printable(why, 300)})` : ''}. Resume with: ${BIN} monitor ${short} --detach.`;
/** A stop that resuming would only repeat: the cause and its fix come first, resuming only once it is fixed. */
export const monitorGaveUp = (short: string, cause: string) =>
  `Not watched to the end: ${printable(cause, 600).replace(/\.+$/, '')}. Resuming repeats this until it is fixed; once fixed: ${BIN} monitor ${short} --detach.`;
export const deployed = (short: string, how: string[]) =>
  `Deployed ${short}${how.length ? `: ${how.join(' · ')}` : ''}.`;
/** A failed or running deployment in one line: the state, and what the source said (its own reason). */
export const deploymentState = (short: string, state: string, why: string | null) =>
  `${short} ${state}${why ? `: ${why}` : ''}`;
export const monitorStale = (short: string, pid: number | null) =>
  `The monitor for ${short}${pid ? ` (PID ${pid})` : ''} is gone without recording an outcome (it died or was killed). Resume with: ${BIN} monitor ${short} --detach; tidy up with: ${BIN} manage cleanup.`;
export const storeUnreachableFollowing = (short: string, pid: number | null) =>
  `The team store cannot be reached, so this answer is this machine's: its watcher${pid ? ` (PID ${pid})` : ''} follows ${short} offline and uploads what it records once the store is back.`;
export const storeUnreachableAnswer =
  "The team store cannot be reached, so this answer is this machine's own record; the store gets it once it is back.";
export const storeUnreachableUnknown = (short: string) =>
  `The team store cannot be reached and this machine has no live record of ${short} (another machine may follow it). Ask again once the store is back, or wait for it: ${BIN} check ${short} --wait 600.`;
export const watcherFrozen = (short: string, pid: number, stopped: boolean, overdueSeconds: number | null) =>
  `The watcher for ${short} (PID ${pid}) is alive but makes no progress: ${
    stopped
      ? 'it is stopped (process state T: SIGSTOP, Ctrl-Z or a debugger)'
      : `its record is ${overdueSeconds}s past its next poll, longer than a poll takes: it is probably frozen`
  }. Resume it with: kill -CONT ${pid}; or restart it: ${BIN} manage stop ${short}, then ${BIN} monitor ${short} --detach.`;
export const watcherCause = (
  short: string,
  pid: number | null,
  cause: { code: string; holder: number | null; dir?: string },
) => {
  const dir = cause.dir ?? 'the state folder';
  const who = `The watcher for ${short}${pid ? ` (PID ${pid})` : ''}`;
  const resume = `then resume with: ${BIN} monitor ${short} --detach.`;
  if (cause.code === 'lock-lost')
    return `${who} lost its lock on the state folder to another process${cause.holder ? ` (PID ${cause.holder})` : ''} and left without recording an outcome (two watchers took over at once, or the lock folder was removed). Resume with: ${BIN} monitor ${short} --detach.`;
  const why =
    cause.code === 'ENOSPC' || cause.code === 'EDQUOT'
      ? `no space is left on the disk holding ${dir} (${cause.code}). Free space there (${BIN} cleanup removes old records), ${resume}`
      : cause.code === 'EROFS'
        ? `the file system holding ${dir} is read-only (EROFS). Make it writable (for example: mount -o remount,rw), or point DEPLOY_WATCH_STATE_DIR at a writable folder, ${resume}`
        : cause.code === 'EACCES' || cause.code === 'EPERM'
          ? `this user may not write in ${dir} (${cause.code}). Make it writable (for example: chmod u+rwx "${dir}"), ${resume}`
          : `writing in ${dir} failed (${cause.code}). Check the disk, ${resume}`;
  return `${who} cannot record the deployment: ${why}`;
};
export const corruptRecord = (file: string, reason: string) =>
  `The status file ${file} is unreadable (${reason}); it was left as it is. Remove it with ${BIN} cleanup --days 0, or start a new monitor to rewrite it.`;
export const lastLogLines = (count: number) =>
  count === 1 ? 'Last line of the log' : `Last ${count} lines of the log`;
export const waitTimedOut = (seconds: number) => `Still no outcome after waiting ${seconds}s.`;

// manage
export const NO_HISTORY = 'No deployments recorded in this clone yet.';
export const NO_TEAM_HISTORY = 'No deployments recorded by the team yet (team store: DEPLOY_WATCH_STORE_URL).';
export const STATUS_STORE_UNREACHABLE =
  "The team store cannot be reached: this is what this machine's watcher follows offline (uploaded once the store is back).";
export const NO_MONITORS = 'No watcher is running and no commit is in flight.';
export const watcherLine = (pid: number, age: string, memory: string | null, count: number) =>
  `Watcher PID ${pid}, up ${age}${memory ? `, ${memory} resident` : ''}, following ${count} commit${count === 1 ? '' : 's'}.`;
export const watcherGone = (pid: number, how: string) =>
  `The watcher (PID ${pid}) is gone (${how}); commits it followed are stale. The next push, ${BIN} check <sha> --wait or ${BIN} monitor <sha> --detach resumes them.`;
export const stopNothing = (short: string) => `The watcher is not following ${short}; nothing to stop.`;
export const stoppedFollowing = (short: string, pid: number) =>
  `Stopped following ${short}; the watcher (PID ${pid}) goes on with the other commits.`;
export const stopNotConfirmed = (short: string, pid: number, seconds: number) =>
  `The watcher (PID ${pid}) did not stop following ${short} within ${seconds}s. Stop the watcher itself with: ${BIN} manage stop --all.`;
export const stopped = (pid: number, how: 'SIGTERM' | 'SIGKILL', count: number, waiting = 0) =>
  `Stopped the watcher (PID ${pid}, ${how === 'SIGTERM' ? 'ended on SIGTERM' : 'did not end on SIGTERM, killed'}); ${commitsStopped(count, waiting)}.`;
/** `stop --all` with no watcher running, but commits handed over that none had taken yet. */
export const stoppedWaiting = (count: number, waiting: number) =>
  `No watcher was running; ${commitsStopped(count, waiting)}.`;
const commitsStopped = (count: number, waiting: number) =>
  `${count} commit${count === 1 ? '' : 's'} recorded stopped${waiting > 0 ? ` (${waiting} ${waiting === 1 ? 'was' : 'were'} waiting to be handed over)` : ''}`;
export const stoppedBeforeTaken = (short: string) =>
  `Stopped ${short} before the watcher took it: recorded stopped, its hand-over ends there.`;
export const STALE_HINT = `Stale commits: resume them with ${BIN} monitor <sha> --detach (or ${BIN} check <sha> --wait); remove a dead watcher's files with ${BIN} manage cleanup.`;
export const NO_WATCHER = 'No watcher is running; nothing to stop.';
export const stopFailed = (pid: number) =>
  `The watcher (PID ${pid}) is still running after SIGKILL; it may belong to another user. Stop it by hand: kill -9 ${pid}.`;
export const STOP_NEEDS_COMMIT = `Name the commit to stop following (${BIN} manage stop <sha>), or stop the watcher and every commit with ${BIN} manage stop --all.`;
export const STOPPED_BY_USER = 'stopped by deploy-watch manage stop';
export const STOPPED_BY_ALL = 'stopped by deploy-watch manage stop --all';
export const SETTINGS_CHANGED =
  'a commit was handed over with other settings (config or environment): a fresh watcher goes on with this one';

// cleanup
export const removedCount = (count: number, dryRun: boolean) =>
  `${dryRun ? 'Would remove' : 'Removed'} ${count} file${count === 1 ? '' : 's'}.`;

/** Shows control characters and very long text safely inside a message. */
export function printable(input: string, max = 80): string {
  const clean = input.replace(/[\x00-\x1f\x7f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

// Database and health sources
export const dbUrlInvalid = (detail: string) =>
  `DATABASE_URL is not a usable PostgreSQL connection string (${detail}). Set it to postgresql://USER:PASSWORD@HOST:5432/DBNAME (percent-encode special characters in the password).`;
export const dbAuthFailed = (detail: string) =>
  `The database refused the login (${detail}). Fix the user and password in DATABASE_URL, or the server's pg_hba.conf.`;
export const DB_NO_PASSWORD =
  'The database asks for a password but DATABASE_URL has none. Add it: postgresql://USER:PASSWORD@HOST/DBNAME.';
export const dbMissing = (detail: string) =>
  `The database named in DATABASE_URL is not there (${detail}). Fix the database name in DATABASE_URL.`;
export const dbQueryObjectMissing = (detail: string) =>
  `The database query fails: ${detail}. Fix database.query in the config so that it reads an existing table and column (the sha is $1).`;
export const dbQueryInvalid = (detail: string) =>
  `The database query is invalid: ${detail}. Fix database.query in the config (the sha is $1).`;
export const DB_QUERY_NO_PARAM =
  'database.query does not use $1, so it cannot ask about this commit. Use $1 for the full sha, for example: select status from deployments where commit_sha = $1.';
export const DB_QUERY_PARAM_TYPE =
  'database.query uses $1 where PostgreSQL cannot tell its type. Cast it: $1::text (for example: where commit_sha = $1::text).';
export const DB_QUERY_NO_COLUMN =
  'database.query returns no column; it must return the status (a column named status, or the first column).';
export const dbSsl = (detail: string) =>
  `The database connection failed on SSL: ${detail}. Fix sslmode in DATABASE_URL (?sslmode=disable for a server without SSL).`;
export const dbSslCert = (detail: string) =>
  `The database's SSL certificate is not trusted (${detail}). Give its CA in DATABASE_URL with sslrootcert=/path/to/ca.pem (DigitalOcean: download the CA certificate from the database's page), or encrypt without verifying: ?sslmode=no-verify.`;
export const dbTimeout = (what: 'connecting' | 'querying', ms: number) =>
  `The database did not answer within ${ms} ms while ${what}.`;
export const dbUnreachable = (detail: string) => `Cannot reach the database: ${detail}.`;
export const dbFailed = (detail: string) => `The database query failed: ${detail}.`;
export const DB_NULL_STATUS = 'the status is null';
export const healthUrlInvalid = (url: string) => `health.url must be an http(s) URL; got "${printable(url)}".`;
export const healthCommitInvalid = (spec: string, problem: string) =>
  `health.commit "${printable(spec)}" ${problem}. Use a JSON path into the body such as $.version.commit, or header:<name> for a response header.`;
export const healthStatus = (status: number) => `The health endpoint answered HTTP ${status}.`;
export const healthTimeout = (ms: number) => `The health endpoint did not answer within ${ms} ms.`;
export const healthNetwork = (detail: string) => `Cannot reach the health endpoint: ${detail}.`;
export const healthRedirectRefused = (location: string) =>
  `The health endpoint redirects to "${printable(location)}", which is not an http(s) URL; not followed.`;
export const HEALTH_TOO_MANY_REDIRECTS =
  'The health endpoint redirected more than 5 times; fix health.url to point at the final address.';
export const healthBodyTooLarge = (max: number) =>
  `The health endpoint's body is larger than ${max} bytes; point health.url at a small JSON status document.`;
export const healthNotJson = (path: string) =>
  `The health endpoint's body is not JSON, so ${path} cannot be read. Point health.url at a JSON document, or use health.commit "header:<name>".`;
export const healthCommitMissing = (path: string) =>
  `The health endpoint's JSON has no commit at ${path} (missing, null or not text). Fix health.commit or make the endpoint report its commit there.`;
export const healthHeaderMissing = (name: string) =>
  `The health endpoint's answer has no ${printable(name)} header. Fix health.commit or make the endpoint send it.`;
export const healthReports = (short: string, where: string) => `the health endpoint reports commit ${short} (${where})`;
export const healthServesDescendant = (short: string, where: string) =>
  `the health endpoint reports commit ${short} (${where}), a later commit that contains this one`;
export const healthNamesNoCommit = (status: number) =>
  `The health endpoint is up (HTTP ${status}) but names no commit, so it cannot tell whether this commit deployed. Set health.commit to where the endpoint reports its commit (a JSON path such as $.version.commit, or header:<name>), or make it report the commit in a field such as "commit" or a header such as x-commit-sha (the places looked in: deploy-watch doctor, or the README's "Database and health sources").`;
export const healthNoCommitFix = (headers: readonly string[], fields: readonly string[]) =>
  `Set health.commit to where the endpoint reports its commit: a JSON path such as $.version.commit, or header:<name>. Or make the endpoint report it (a full or abbreviated sha) in one of the places deploy-watch looks without health.commit: the headers ${headers.join(', ')}; the JSON fields ${fields.join(', ')}. On App Platform, bind an env var to \${_self.COMMIT_HASH} and return it.`;
export const HEALTH_URL_FIX = 'Set health.url to a URL that answers 2xx once the app is up.';
export const HEALTH_ONLY_UP =
  'the health source alone can say the app is up, never that a commit deployed: every push would end with no outcome (exit 3).';

// Hooks and init
export const hookSkippedProblem = (problem: string) =>
  `${BIN}: ${problem}; the push goes on without branch checks or a monitor. Run ${BIN} doctor to fix it.`;
export const branchRefused = (
  branch: string,
  pattern: string,
  localBranch: string | null,
  remote: string,
  suggestion: string | null,
) => {
  const to = suggestion ?? '<new-name>';
  const fix =
    localBranch === branch
      ? `git branch -m ${branch} ${to} && git push -u ${remote} ${to}`
      : `git push ${remote} ${localBranch ?? '<commit>'}:${to}`;
  return `${BIN}: push refused: branch "${printable(branch)}" does not match the branch-name pattern ${pattern} ("branchPattern" in deploy-watch.config.json). Rename it: ${fix}`;
};
export const behindUpstream = (branch: string, upstream: string, count: number) =>
  `${BIN}: warning: ${branch} is ${count} commit${count === 1 ? '' : 's'} behind ${upstream} (as last fetched); the push goes on. To catch up: git pull --rebase (or ${BIN} push).`;
export const willWatch = (short: string) =>
  `${BIN}: will watch the deployment of ${short} once the push is accepted (${RUN} check ${short} --wait 600).`;
export const patternTooSlow = (pattern: string, branch: string, ms: number) =>
  `${BIN}: "branchPattern" ${printable(pattern)} ran over ${ms} ms on the branch name "${printable(branch)}" and was stopped: it backtracks catastrophically (a repeated group that can match the same text in many ways, such as (a+)+, doubles its work with each character). The push goes on without branch checks or a monitor. Rewrite the pattern without a quantifier inside a quantified group, for example ^(a+)+$ as ^a+$.`;
export const hookFailed = (detail: string) =>
  `${BIN}: the pre-push check failed (${detail}); the push goes on without a monitor. Start one later with: ${BIN} check --wait 600.`;
export const initFileLine = (
  path: string,
  action: 'create' | 'update' | 'unchanged',
  what: string,
  dryRun: boolean,
) => {
  const verb = {
    create: dryRun ? 'would create' : 'created',
    update: dryRun ? 'would update' : 'updated',
    unchanged: 'unchanged',
  }[action];
  return `${verb.padEnd(12)} ${path}${what ? ` (${what})` : ''}`;
};
export const initHusky = (state: 'activated' | 'would-activate' | 'not-installed') =>
  state === 'activated'
    ? 'Hooks active: git runs .husky/pre-push through husky (core.hooksPath .husky/_).'
    : state === 'would-activate'
      ? 'Would run husky to activate the hooks (core.hooksPath .husky/_).'
      : 'Hooks not active yet: run npm install (its prepare script runs husky), then push as usual.';
export const initInstallSelf = (root: string) =>
  `package.json does not list deploy-watch, and this copy (${root}) was not installed from a package, so init cannot say where it comes from. Add it, or the hook finds no deploy-watch after a fresh clone: npm install --save-dev <its git URL or tarball> (see the README's Install section).`;
export const INIT_ADD_SOURCE =
  'Next: add a source to deploy-watch.config.json (digitalocean.appId, database, or health.url for an endpoint that reports the commit it serves) and put tokens in ~/.config/deploy-watch/env, not in the file. See the README, "Install into a repository".';
export const initWorktrees = (tops: readonly string[], dryRun: boolean) =>
  `${dryRun ? 'Would copy' : 'Copied'} husky's runner (.husky/_) into ${tops.length === 1 ? 'the worktree' : `${tops.length} worktrees`} ${tops.map((t) => printable(t, 200)).join(', ')}: git runs the hooks there now.`;
export const initMergeDrivers = (dryRun: boolean) =>
  `${dryRun ? 'Would set' : 'Set'} the merge drivers deploy-watch-union and deploy-watch-checklist in .git/config (each clone runs init once, or deploy-watch push resolves those files itself).`;

// push and merge-driver (src/conflicts)
export const pushDirty = (files: string[]) =>
  `The work tree has uncommitted changes (${files
    .slice(0, 5)
    .map((f) => printable(f))
    .join(
      ', ',
    )}${files.length > 5 ? ', …' : ''}); nothing was changed. Commit them (git commit -am "…") or stash them (git stash), then run ${BIN} push again.`;
export const pushInProgress = (what: string) =>
  `A ${what} is already in progress; nothing was changed. Finish it (git ${what} --continue) or abandon it (git ${what} --abort), then run ${BIN} push again.`;
export const PUSH_DETACHED = `HEAD is detached (not on a branch); nothing was changed. Check out the branch to push (git switch main), or create one here (git switch -c <name>), then run ${BIN} push again.`;
export const pushNoUpstream = (branch: string, remote: string) =>
  `The branch ${printable(branch)} has no upstream, so there is nowhere to push; nothing was changed. Push it to a branch of its own name (${BIN} push ${printable(remote)} ${printable(branch)}), or publish it once with git push -u ${printable(remote)} ${printable(branch)} and run ${BIN} push from then on.`;
export const PUSH_NO_COMMITS = `Nothing to push yet: this repository has no commit. Make a first commit (git add, then git commit), then run ${BIN} push.`;
export const unknownRemote = (remote: string, known: string[]) =>
  `No remote named "${printable(remote)}" in this repository (${known.length ? `known: ${known.join(', ')}` : 'it has none'}). Give one of those, or add it: git remote add ${printable(remote)} <url>.`;
export const badBranchName = (branch: string) =>
  `"${printable(branch)}" is not a valid branch name. Give one such as main.`;
/** `lists`: the files a merge rule could be right for (notes, lists, changelogs); the rest is code, for a human. */
export const pushConflict = (files: string[], remote: string, branch: string, lists: readonly string[]) =>
  [
    `Conflicts that no merge rule covers, in: ${files.map((f) => printable(f, 200)).join(', ')}.`,
    'The rebase was aborted: your branch, index and work tree are as they were before this command.',
    'To finish by hand:',
    `  git fetch ${remote} ${branch}`,
    `  git rebase ${remote}/${branch}`,
    `  # edit ${files.join(' ')}, then: git add <files> && git rebase --continue`,
    `  ${BIN} push ${remote} ${branch}`,
    ...(lists.length < files.length
      ? ["(Code is resolved by hand, as above: a merge rule keeps both sides' lines, which is never right for code.)"]
      : []),
    ...(lists.length > 0
      ? [
          `(If ${lists.map((f) => printable(f, 200)).join(', ')} ${lists.length === 1 ? 'is a list or log' : 'are lists or logs'} where each line stands alone, add ${lists.length === 1 ? 'it' : 'them'} to conflicts.rules in deploy-watch.config.json to merge ${lists.length === 1 ? 'it' : 'them'} automatically next time.)`,
        ]
      : []),
  ].join('\n');
export const pushRejected = (remote: string, branch: string, reason: string) =>
  `${remote} refused the push to ${branch}: ${reason}. This is not a race, so it was not retried. Your branch is as it was before this command.`;
export const pushGaveUp = (attempts: number, reason: string) =>
  `Gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: the branch kept moving (${reason}). Nothing was lost and your branch is as it was; run ${BIN} push again, or raise conflicts.maxAttempts.`;
export const pushStepFailed = (step: string, detail: string) =>
  `${step} failed: ${printable(detail.trim() || 'no output', 400)}. Your branch is as it was before this command.`;
export const pushNotOnRemote = (remote: string, branch: string) =>
  `git said the push to ${remote}/${branch} succeeded, but after fetching, HEAD is not on it. Check with: git fetch ${remote} && git log ${remote}/${branch}.`;
export const pushed = (remote: string, branch: string, sha: string, attempts: number, resolved: string[]) =>
  `Pushed ${sha.slice(0, 12)} to ${remote}/${branch}${attempts > 1 ? ` after ${attempts} attempts` : ''}.${resolved.length ? ` Merged automatically: ${resolved.join(', ')}.` : ''}`;
export const nothingToPush = (remote: string, branch: string) =>
  `Nothing to push: ${remote}/${branch} already has every local commit.`;
export const pushRetrying = (attempt: number, max: number, reason: string, ms: number) =>
  `Attempt ${attempt}/${max} lost the race (${reason}); trying again in ${(ms / 1000).toFixed(2)}s.`;
export const pushWaiting = (ahead: number) => `waiting: ${ahead} push${ahead === 1 ? '' : 'es'} ahead`;
export const PUSH_INTERRUPTED =
  'Interrupted while waiting for the push queue: the ticket was given back and nothing was changed.';
export const unknownStrategy = (name: string) => `Unknown merge rule "${printable(name)}". Use union or checklist.`;
export const driverUnresolved = (path: string, why: string) =>
  `deploy-watch merge-driver left conflict markers in ${printable(path, 200)}: ${why}. Edit the file, then git add it.`;
// monitor and DigitalOcean source
export const doTimeout = (ms: number) => `DigitalOcean API gave no answer within ${ms} ms; will retry with backoff`;
export const doNetwork = (detail: string) =>
  `DigitalOcean API unreachable (${printable(detail, 160)}); will retry with backoff`;
// No "trying the next source" here: whether there is one is the poll loop's to say (the record lists every source).
export const doDenied = (status: number, detail: string) =>
  status === 401
    ? `DigitalOcean rejected the token (HTTP 401: ${detail}): it is wrong, expired or revoked. Set DIGITALOCEAN_ACCESS_TOKEN (in the environment or ~/.config/deploy-watch/env) to a valid token with app:read scope`
    : `DigitalOcean rejected the token (HTTP ${status}: ${detail}): it lacks the scope for this app. Set DIGITALOCEAN_ACCESS_TOKEN to a token with app:read scope on the app's team`;
export const doRateLimited = (detail: string) =>
  `DigitalOcean rate limit reached (${detail}); waiting for the reset it names`;
export const doServerError = (status: number, detail: string) =>
  `DigitalOcean API error HTTP ${status} (${detail}); will retry with backoff`;
export const doClientError = (status: number, detail: string) =>
  status === 404
    ? `DigitalOcean answered HTTP 404 (${detail}): no such app for this token. Fix digitalocean.appId in deploy-watch.config.json (or DEPLOY_WATCH_APP_ID; doctl apps list shows the ids), or use a token of the app's team`
    : `DigitalOcean API answered HTTP ${status} (${detail})`;
export const doBadJson = (length: number) =>
  `DigitalOcean API answered with malformed JSON (${length} bytes); counted as a failed poll`;
export const doUnexpectedShape = (detail: string) =>
  `DigitalOcean API answer has an unexpected shape (${printable(detail, 160)}); counted as a failed poll`;
export const doWaiting = (ms: number, cause: 'rate limit' | 'failures' | 'pace') =>
  `waiting ${Math.ceil(ms / 1000)}s before the next DigitalOcean request (${
    cause === 'rate limit'
      ? 'rate-limited: HTTP 429 or no requests left in the hour'
      : cause === 'failures'
        ? 'backing off after failed requests'
        : "spacing requests so the token's hourly budget lasts"
  })`;
export const DO_WAITING_FOR_DEPLOYMENT = 'waiting for DigitalOcean to start a deployment of this commit';
export const doSupersededBy = (own: string, next: string) =>
  `superseded by ${next} which contains this commit (own deployment ${own})`;
export const doFailedAt = (step: string | null) =>
  step ? `deployment failed at ${step}` : 'deployment failed (ERROR)';
export const DO_CANCELED = 'deployment was canceled';
export const DO_SUPERSEDED_WAITING = 'superseded; waiting for the replacing deployment to appear';
export const doSupersededWithout = (id: string, commit: string | null) =>
  `superseded by ${id}${commit ? ` (commit ${commit.slice(0, 12)})` : ''}, which does not contain this commit`;
// Several App Platform apps per push
export const appSays = (name: string, text: string) => `${name}: ${text}`;
export const appPhase = (name: string, phase: string | null, detail: string | null) =>
  `${name} ${phase ?? 'waiting for its deployment'}${phase && detail ? ` ${detail}` : ''}`;
export const appsAllLive = (listed: string) => `every app is live with this commit: ${listed}`;
export const appLive = (name: string, deploymentId: string | null) =>
  `${name}${deploymentId ? ` (deployment ${deploymentId})` : ''}`;
export const appNotDeployedByPush = (name: string, branch: string) =>
  `${name} left out: a push to ${branch} does not deploy it (its spec)`;
export const appSpecUnread = (name: string, reason: string) =>
  `${name}'s spec could not be read (${reason}), so it is watched`;
export const noAppDeploysBranch = (branch: string, names: string[]) =>
  `none of the apps in digitalocean.apps (${names.join(', ')}) deploys on a push to ${branch} (per each app's spec): set "branch" to the branch they deploy from, or turn on deploy_on_push for ${branch} in the app spec`;
export const logsAppUnknown = (deploymentId: string) =>
  `deployment ${deploymentId} is not one this monitor saw, so its app is unknown; fetch its logs with: ${BIN} logs <sha> --app <name>`;
export const unknownApp = (name: string, names: string[]) =>
  `--app "${printable(name)}" names no app in digitalocean.apps; the apps are: ${names.join(', ')}.`;
export const NO_SOURCE_CONFIGURED =
  'No deployment source is configured, so there is nothing to watch. Set one of: DIGITALOCEAN_ACCESS_TOKEN (or DIGITALOCEAN_TOKEN) plus digitalocean.appId in deploy-watch.config.json (or DEPLOY_WATCH_APP_ID); DATABASE_URL plus a "database" section; or health.url (or DEPLOY_WATCH_HEALTH_URL) for an endpoint that reports the commit it serves.';
export const doNeedsToken =
  'digitalocean.appId (or apps) is set but neither DIGITALOCEAN_ACCESS_TOKEN nor DIGITALOCEAN_TOKEN is: set one (a token with app:read scope) in the environment or ~/.config/deploy-watch/env.';
export const alreadyWatched = (short: string, pid: number | null) =>
  pid
    ? `Commit ${short} is already watched by PID ${pid}; nothing to do.`
    : `Commit ${short} is already watched by another monitor that is starting; nothing to do.`;
export const monitorDetached = (short: string, pid: number) =>
  `Watching ${short} in the background (watcher PID ${pid}). Ask with: ${BIN} check ${short}`;
export const DETACH_FAILED =
  'Could not start the background watcher (the process did not start or did not take the commit). See the tool log in the state folder, or run deploy-watch doctor.';
export const monitorStoppedBySignal = (signal: string) => `monitor stopped by ${signal}`;
export const teamStoreOffline = (detail: string) =>
  `warning: the team store (DEPLOY_WATCH_STORE_URL) cannot be reached (${printable(detail, 200)}); working on this machine's files until it can, then uploading what was recorded.`;
export const teamQueueOffline = (detail: string) =>
  `warning: the team's push queue (DEPLOY_WATCH_STORE_URL) cannot be reached (${printable(detail, 200)}); pushing without waiting for other machines (a race is caught by git and retried).`;
export const teamQueueRefused = (detail: string) =>
  `warning: the team store refused the push queue (${printable(detail, 300)}); pushing without waiting for other machines. Check the role's grants (README: team mode; after an upgrade, migrate once with the owner's URL).`;
export const teamStoreFailed = (detail: string) =>
  `The team store (DEPLOY_WATCH_STORE_URL) refused: ${printable(detail, 300)}. Check the role's grants (README: team mode), the password and the database name.`;
export const teamPollerLine = (host: string, pid: number, epoch: number, renewed: string) =>
  `team poller: ${host} PID ${pid} (lease epoch ${epoch}, renewed ${renewed})`;
export const NO_TEAM_POLLER = 'team poller: none yet (the first watcher that has a commit to follow takes the lease)';
export const teamPollerGone = (host: string, pid: number, renewed: string) =>
  `team poller: none (the last, ${host} PID ${pid}, renewed its lease ${renewed}; the next watcher takes it)`;
export const leaseLost = (epoch: number) => `the polling lease (epoch ${epoch}) was lost: another machine polls now`;
export const pollerLeft = (why: string) => `the poller left (${why}): the next lease holder goes on`;
export const SERVE_NEEDS_TEAM =
  "serve is the team's long-running poller and needs team mode: set DEPLOY_WATCH_STORE_URL to the team's PostgreSQL (README: team mode). Without it each clone watches its own pushes and nothing is shared.";
export const badHealthPort = (value: string) =>
  `--health-port must be a port number from 0 to 65535 (0: any free port), not "${printable(value, 40)}".`;
export const badHealthHost = (value: string) =>
  `--health-host must be an IP address to listen on (127.0.0.1, or 0.0.0.0 for probes from outside a container), not "${printable(value, 60)}".`;
export const healthListenFailed = (host: string, port: number, detail: string) =>
  `--health-port: cannot listen on ${host}:${port} (${printable(detail, 120)}). Choose another port, or 0 for any free one.`;
export const monitorCrashed = (detail: string) => `monitor failed: ${printable(detail, 300)}`;
export const NO_SOURCE_CAN_ANSWER = 'no source can answer: ';
export const noSourceCanAnswer = (notes: string) => `${NO_SOURCE_CAN_ANSWER}${notes}`;
export const monitorTimedOut = (
  seconds: number,
  last: string | null,
  spent: { polls: number; unanswered: number; lastReason: string | null },
) =>
  `no outcome within ${seconds}s (polling.timeout)${last ? `; last seen: ${last}` : ''}${
    spent.unanswered > 0 && spent.lastReason
      ? `; ${spent.unanswered} of ${spent.polls} polls got no answer, the last: ${printable(spent.lastReason, 300)}`
      : ''
  }`;
export const monitorEnded = (short: string, state: string, message: string | null) =>
  `${short}: ${state}${message ? ` (${message})` : ''}`;
/** "stopped by deploy-watch manage stop --all by alice@laptop" when the record says who; else "stopped". */
export const stoppedHow = (by: string | null | undefined) => (by ? `stopped by ${BIN} ${by}` : 'stopped');

// Provider logs after a failure, and `deploy-watch logs`
/** errno's own words first, so the state folder's wrapper (stateDirUnusable) adds the one fix: free space. */
export const shortWrite = (path: string, wrote: number, of: number) =>
  `no space left on device: ${wrote} of ${of} bytes of ${path} were written, so it was not replaced and its previous version is kept`;
export const logHeader = (type: string, deploymentId: string) => `=== ${type} logs of deployment ${deploymentId} ===`;
export const logHeaderMissing = (type: string, deploymentId: string, reason: string) =>
  `=== ${type} logs of deployment ${deploymentId}: not available (${reason}) ===`;
export const LOGS_NO_ANSWER_YET = 'no answer from DigitalOcean yet';
export const LOGS_NOT_ARCHIVED = 'DigitalOcean has not archived the logs yet (historic_urls is empty)';
export const LOGS_MONITOR_STOPPED = 'the monitor was stopped before the logs arrived';
export const logsBudgetSpent = (last: string) =>
  `gave up within the log budget (digitalocean.logBudget); last answer: ${last}`;
export const logUrlFailed = (detail: string) => `the pre-signed log URL answered ${printable(detail, 120)}`;
export const logsBeingFetched = (until: string | null) =>
  `The build and deploy logs are being fetched${until ? ` (until ${until.slice(11, 19)} UTC at the latest)` : ''}; run check again for them.`;
export const logsPartialFetching = (present: readonly string[], pending: readonly string[], until: string | null) =>
  `Partial log: the ${present.join(' and ')} log is below; the ${pending.join(' and ')} log is still being fetched${until ? ` (until ${until.slice(11, 19)} UTC at the latest)` : ''}; run check again for it.`;
export const logsFetchInterrupted = (short: string, until: string | null, present: readonly string[]) =>
  `The log fetch was interrupted: it was to end by ${until ? `${until.slice(11, 19)} UTC` : 'now'}, but the monitor stopped or died before it wrote how it went${present.length > 0 ? `, so the ${present.join(' and ')} log below is partial` : ''}. Fetch the logs with: ${BIN} logs ${short}.`;
export const logsPartialMissing = (short: string, present: readonly string[], reason: string | null) =>
  `Partial log: only the ${present.join(' and ')} log is below; the rest is missing${reason ? `: ${printable(reason, 400)}` : ''}. Fetch it later with: ${BIN} logs ${short}.`;
export const logsMissing = (short: string, reason: string | null) =>
  `The logs are missing${reason ? `: ${printable(reason, 400)}` : ''}. Fetch them later with: ${BIN} logs ${short}.`;
export const noDeploymentKnown = (short: string) =>
  `No DigitalOcean deployment is known for ${short}: no record names one and none in the app's recent deployments was built from it. Check the sha, or wait for the deployment to appear (${BIN} check ${short} --wait 600).`;
export const logsNeedDigitalOcean = `${BIN} logs reads DigitalOcean App Platform logs: set "digitalocean": {"appId": "<app uuid>"} (or "apps") in deploy-watch.config.json and DIGITALOCEAN_ACCESS_TOKEN (or DIGITALOCEAN_TOKEN) in the environment.`;
export const logsFromTeamStore = (short: string) =>
  `(the logs of ${short} as the team's poller stored them: neither DIGITALOCEAN_ACCESS_TOKEN nor DIGITALOCEAN_TOKEN is set on this machine)`;
export const logsNotFetched = (short: string, reason: string) =>
  `The logs of ${short} could not be fetched: ${printable(reason, 400)}. Try again later: ${BIN} logs ${short}.`;
export const logsPartial = (short: string, present: readonly string[], reason: string) =>
  `Only the ${present.join(' and ')} log of ${short} is here; the rest could not be fetched: ${printable(reason, 400)}. Try again later: ${BIN} logs ${short}.`;
export const logsWaiting = (
  short: string,
  deploymentId: string,
  need: readonly string[],
  have: readonly string[],
  until: string,
) =>
  `${have.length > 0 ? `The ${have.join(' and ')} log of ${short} is saved; waiting` : 'Waiting'} for the ${need.join(' and ')} log of deployment ${deploymentId} from DigitalOcean (giving up at ${until.slice(11, 19)} UTC, digitalocean.logBudget)…`;
export const LIVE_LOG_UNSUPPORTED =
  'the live log URL is a websocket (wss://), which this version cannot follow; showing the archived logs instead';

// Start failures: a monitor that could not start leaves a `stopped` record saying why
export const notWatched = (short: string, reason: string) =>
  `Not watched: ${reason} Once fixed, start it with: ${BIN} monitor ${short} --detach.`;
export const startFailedConfig = (detail: string) => `no monitor could start: ${detail}`;
export const startFailedOther = (detail: string) => `no monitor could start: ${printable(detail, 400)}`;
export const monitorNeverAppeared = (seconds: number, log: string) =>
  `no monitor could start: the background watcher left no trace within ${seconds}s. See ${log}, or run it in the foreground: ${BIN} monitor <sha>.`;
export const hookConfigInvalid = (short: string, detail: string) =>
  `${BIN}: the config is invalid, so no monitor will watch ${short}: ${detail} The push goes on.`;
export const hookNoSource = (short: string, detail: string) =>
  `${BIN}: no monitor will watch ${short}: ${detail} The push goes on.`;
export const hookStateDirUnusable = (short: string, detail: string) =>
  `${BIN}: no monitor will watch ${short}: ${detail} The push goes on.`;
export const configInvalidWithRecord = (detail: string) =>
  `${BIN}: warning: ${detail} (answering from the status record).`;
export const badLogType = (value: string) => `--type must be build, deploy or run; got "${printable(value)}".`;
export const logsStillRunning = (short: string, deploymentId: string, phase: string) =>
  `Deployment ${deploymentId} of ${short} is still running (${phase}); its logs are archived when it ends. Follow them live with: ${BIN} logs ${short} --follow.`;

/**
 * How the hints that are commands to run (the hook's line, check's advice) call deploy-watch: the project's
 * own bin, which starts in about a third of `npx deploy-watch`'s time (npx resolves the package first).
 */
export const RUN = './node_modules/.bin/deploy-watch';
