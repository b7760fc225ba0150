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

// State folder
export const stateDirUnusable = (dir: string, code: string, detail: string) =>
  `The state folder ${dir} cannot be used (${code}: ${detail}). Make it a folder you can read and write (for example: chmod u+rwx "${dir}"), or point DEPLOY_WATCH_STATE_DIR elsewhere.`;
export const stateDirDiskFull = (dir: string) =>
  `The disk that holds the state folder ${dir} is full (ENOSPC): free some space there, or point DEPLOY_WATCH_STATE_DIR at another disk.`;

// Config
export const configUnreadable = (file: string, detail: string) =>
  `Cannot read ${file}: ${detail}. Fix its permissions or remove it.`;
export const configNotJson = (file: string, detail: string) =>
  `${file} is not valid JSON (${detail}). Fix the syntax; an empty config is {}.`;
export const configNotObject = (origin: string) =>
  `${origin} must hold a JSON object of deploy-watch settings, for example {"branch": "main"}.`;
export const configHoldsSecret = (origin: string, key: string) =>
  `${origin} has a secret-looking key "${key}". Secrets never go in the config file: set DIGITALOCEAN_ACCESS_TOKEN or DATABASE_URL in the environment (or ~/.config/deploy-watch/env) and remove the key.`;
export const configInvalid = (origin: string, key: string, problem: string, allowed: string | null) =>
  `${origin}: "${key}" ${problem.replace(/^./, (c) => c.toLowerCase())}.${allowed ? ` Allowed here: ${allowed}.` : ''} See the README's Configuration section.`;
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
  `No deployment record for ${short}: no monitor has watched this commit on this machine. Start one with: ${BIN} monitor ${short} --detach (or wait for it: ${BIN} check ${short} --wait 600).`;
export const monitorStopped = (short: string) =>
  `The monitor for ${short} was stopped before the deployment finished. Resume with: ${BIN} monitor ${short} --detach.`;
export const monitorStale = (short: string, pid: number | null) =>
  `The monitor for ${short}${pid ? ` (PID ${pid})` : ''} is gone without recording an outcome (it died or was killed). Resume with: ${BIN} monitor ${short} --detach; tidy up with: ${BIN} manage cleanup.`;
export const corruptRecord = (file: string, reason: string) =>
  `The status file ${file} is unreadable (${reason}); it was left as it is. Remove it with ${BIN} cleanup --days 0, or start a new monitor to rewrite it.`;
export const waitTimedOut = (seconds: number) => `Still no outcome after waiting ${seconds}s.`;

// manage
export const NO_HISTORY = 'No deployments recorded in this clone yet.';
export const NO_TEAM_HISTORY = 'No deployments recorded by the team yet (team store: DEPLOY_WATCH_STORE_URL).';
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
export const stopped = (pid: number, how: 'SIGTERM' | 'SIGKILL', count: number) =>
  `Stopped the watcher (PID ${pid}, ${how === 'SIGTERM' ? 'ended on SIGTERM' : 'did not end on SIGTERM, killed'}); ${count} commit${count === 1 ? '' : 's'} recorded stopped.`;
export const STALE_HINT = `Stale commits: resume them with ${BIN} monitor <sha> --detach (or ${BIN} check <sha> --wait); remove a dead watcher's files with ${BIN} manage cleanup.`;
export const NO_WATCHER = 'No watcher is running; nothing to stop.';
export const stopFailed = (pid: number) =>
  `The watcher (PID ${pid}) is still running after SIGKILL; it may belong to another user. Stop it by hand: kill -9 ${pid}.`;
export const STOP_NEEDS_COMMIT = `Name the commit to stop following (${BIN} manage stop <sha>), or stop the watcher and every commit with ${BIN} manage stop --all.`;
export const STOPPED_BY_USER = 'stopped by deploy-watch manage stop';

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
  `${BIN}: will watch the deployment of ${short} once the push is accepted (${BIN} check ${short} --wait 600).`;
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
export const INIT_ADD_SOURCE =
  'Next: add a source to deploy-watch.config.json (digitalocean.appId, database, or health.url) and put tokens in ~/.config/deploy-watch/env, not in the file. See the README, "Install into a repository".';
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
export const pushNoUpstream = (branch: string) =>
  `The branch ${printable(branch)} has no upstream, so there is nowhere to push; nothing was changed. Name it (${BIN} push origin main) or set one (git branch --set-upstream-to origin/main).`;
export const unknownRemote = (remote: string, known: string[]) =>
  `No remote named "${printable(remote)}" in this repository (${known.length ? `known: ${known.join(', ')}` : 'it has none'}). Give one of those, or add it: git remote add ${printable(remote)} <url>.`;
export const badBranchName = (branch: string) =>
  `"${printable(branch)}" is not a valid branch name. Give one such as main.`;
export const pushConflict = (files: string[], remote: string, branch: string) =>
  [
    `Conflicts that no merge rule covers, in: ${files.map((f) => printable(f, 200)).join(', ')}.`,
    'The rebase was aborted: your branch, index and work tree are as they were before this command.',
    'To finish by hand:',
    `  git fetch ${remote} ${branch}`,
    `  git rebase ${remote}/${branch}`,
    `  # edit ${files.join(' ')}, then: git add <files> && git rebase --continue`,
    `  ${BIN} push ${remote} ${branch}`,
    `(To merge such files automatically, add their globs to conflicts.rules in deploy-watch.config.json.)`,
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
export const doDenied = (status: number, detail: string) =>
  `DigitalOcean rejected the token (HTTP ${status}: ${detail}); set DIGITALOCEAN_ACCESS_TOKEN to a token with app:read scope. Trying the next source`;
export const doRateLimited = (detail: string) =>
  `DigitalOcean rate limit reached (${detail}); waiting for the reset it names`;
export const doServerError = (status: number, detail: string) =>
  `DigitalOcean API error HTTP ${status} (${detail}); will retry with backoff`;
export const doClientError = (status: number, detail: string) =>
  status === 404
    ? `DigitalOcean says HTTP 404 (${detail}): check digitalocean.appId in deploy-watch.config.json (doctl apps list shows the ids)`
    : `DigitalOcean API answered HTTP ${status} (${detail})`;
export const doBadJson = (length: number) =>
  `DigitalOcean API answered with malformed JSON (${length} bytes); counted as a failed poll`;
export const doUnexpectedShape = (detail: string) =>
  `DigitalOcean API answer has an unexpected shape (${printable(detail, 160)}); counted as a failed poll`;
export const doWaiting = (ms: number) =>
  `waiting ${Math.ceil(ms / 1000)}s before the next DigitalOcean request (rate limit or backoff)`;
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
  'No deployment source is configured, so there is nothing to watch. Set one of: DIGITALOCEAN_ACCESS_TOKEN plus digitalocean.appId in deploy-watch.config.json (or DEPLOY_WATCH_APP_ID); DATABASE_URL plus a "database" section; or health.url (or DEPLOY_WATCH_HEALTH_URL).';
export const doNeedsToken =
  'digitalocean.appId (or apps) is set but DIGITALOCEAN_ACCESS_TOKEN is not: set it (a token with app:read scope) in the environment or ~/.config/deploy-watch/env.';
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
export const noSourceCanAnswer = (notes: string) => `no source can answer: ${notes}`;
export const monitorTimedOut = (seconds: number, last: string | null) =>
  `no outcome within ${seconds}s (polling.timeout)${last ? `; last seen: ${last}` : ''}`;
export const monitorEnded = (short: string, state: string, message: string | null) =>
  `${short}: ${state}${message ? ` (${message})` : ''}`;

// Provider logs after a failure, and `deploy-watch logs`
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
export const logsMissing = (short: string, reason: string | null) =>
  `The logs are missing${reason ? `: ${printable(reason, 400)}` : ''}. Fetch them later with: ${BIN} logs ${short}.`;
export const noDeploymentKnown = (short: string) =>
  `No DigitalOcean deployment is known for ${short}: no record names one and none in the app's recent deployments was built from it. Check the sha, or wait for the deployment to appear (${BIN} check ${short} --wait 600).`;
export const logsNeedDigitalOcean = `${BIN} logs reads DigitalOcean App Platform logs: set "digitalocean": {"appId": "<app uuid>"} (or "apps") in deploy-watch.config.json and DIGITALOCEAN_ACCESS_TOKEN in the environment.`;
export const logsFromTeamStore = (short: string) =>
  `(the logs of ${short} as the team's poller stored them: DIGITALOCEAN_ACCESS_TOKEN is not set on this machine)`;
export const logsNotFetched = (short: string, reason: string) =>
  `The logs of ${short} could not be fetched: ${printable(reason, 400)}. Try again later: ${BIN} logs ${short}.`;
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
