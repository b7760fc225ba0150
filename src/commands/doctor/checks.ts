// The checks `doctor` runs, each one small: a name, a verdict, what was seen, and the fix.
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Config } from '../../kernel/config/config.js';
import { configuredApps } from '../../kernel/config/config.js';
import * as msg from '../../kernel/messages.js';
import { redactText } from '../../kernel/redact.js';
import { HUSKY_RUNNER_DIR, POST_CHECKOUT_BLOCK, WORKTREE_PATH } from '../../hooks/huskyHook.js';
import { hasRunner } from '../../hooks/worktreeRunners.js';
import { readText } from '../init/plan.js';
import { type DoAccess, doAccessOf, probeApp } from '../../sources/digitalocean/connect.js';
import { pushSources } from '../../sources/digitalocean/spec.js';

export type CheckVerdict = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  name: string;
  verdict: CheckVerdict;
  detail: string;
  /** What to do about it, when it is not a pass. */
  fix: string | null;
}

const pass = (name: string, detail: string): CheckResult => ({ name, verdict: 'pass', detail, fix: null });
const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, verdict: 'fail', detail, fix });
const warn = (name: string, detail: string, fix: string): CheckResult => ({ name, verdict: 'warn', detail, fix });
const skip = (name: string, detail: string): CheckResult => ({ name, verdict: 'skip', detail, fix: null });

export function checkNode(version = process.versions.node): CheckResult {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 20 || (major === 20 && minor >= 5)
    ? pass('Node.js', `v${version}`)
    : fail('Node.js', `v${version} is too old`, 'Install Node.js 20.5 or later.');
}

/** What doctor needs to tell whether git runs deploy-watch's pre-push hook in this worktree. */
export interface HookSetup {
  topLevel: string;
  /** core.hooksPath as configured (relative paths are resolved in each worktree), or null. */
  hooksPath: string | null;
  /** Every work tree of the clone (this one included). */
  worktrees: readonly string[];
}

const RERUN_INIT = 'Run: npx deploy-watch init again (from any worktree): it repairs the install in every worktree.';

export function checkHooks(setup: HookSetup): CheckResult {
  const name = 'pre-push hook';
  const { topLevel, hooksPath } = setup;
  const hook = join(topLevel, '.husky', 'pre-push');
  let text: string;
  try {
    text = readFileSync(hook, 'utf8');
  } catch {
    // unreadable or missing: reported as a failed check with its fix
    return fail(name, '.husky/pre-push is missing', 'Run: npx deploy-watch init');
  }
  if (!text.includes('deploy-watch'))
    return fail(
      name,
      '.husky/pre-push does not call deploy-watch',
      'Run: npx deploy-watch init (it adds a marked block and keeps your lines)',
    );
  if ((statSync(hook).mode & 0o111) === 0)
    return fail(name, '.husky/pre-push is not executable', 'Run: chmod +x .husky/pre-push');
  if (!hooksPath?.replace(/\/+$/, '').endsWith(HUSKY_RUNNER_DIR)) {
    return fail(
      name,
      `git does not run Husky's hooks (core.hooksPath is ${hooksPath ?? 'unset'})`,
      'Run: npx husky (or npm install, whose prepare script runs it)',
    );
  }
  // The hook git will run here: core.hooksPath as resolved in this worktree, husky's stub and its runner.
  const runnerDir = isAbsolute(hooksPath) ? hooksPath : join(topLevel, hooksPath);
  if (!existsSync(join(runnerDir, 'pre-push')) || !existsSync(join(runnerDir, 'h'))) {
    return fail(
      name,
      `git runs no pre-push hook in this worktree: ${runnerDir} is missing (husky makes it where npm install runs, and git ignores it)`,
      RERUN_INIT,
    );
  }
  const unhooked = isAbsolute(hooksPath) ? [] : setup.worktrees.filter((t) => t !== topLevel && !hasRunner(t));
  if (unhooked.length > 0) {
    return warn(name, `installed here, but git runs no hook in the worktree(s) ${unhooked.join(', ')}`, RERUN_INIT);
  }
  if (!readText(join(topLevel, '.husky', 'post-checkout'))?.includes(POST_CHECKOUT_BLOCK[0]!)) {
    return warn(
      name,
      'installed, but worktrees added from now on will not be watched (.husky/post-checkout has no deploy-watch block: an older init)',
      RERUN_INIT,
    );
  }
  if (!text.includes(WORKTREE_PATH[0]!)) {
    return warn(
      name,
      'installed, but a worktree without its own npm install will not find deploy-watch (the block is from an older init)',
      RERUN_INIT,
    );
  }
  return pass(name, 'installed; git runs it in this worktree and in every worktree of the clone');
}

export function checkStateDir(stateDir: string): CheckResult {
  const name = 'state folder';
  try {
    mkdirSync(join(stateDir, 'runs'), { recursive: true });
    const probe = join(stateDir, 'runs', `.doctor.${process.pid}.tmp`);
    try {
      writeFileSync(probe, 'ok');
    } finally {
      // A full disk creates the file and then fails the write: the probe goes either way.
      rmSync(probe, { force: true });
    }
    accessSync(stateDir, constants.R_OK | constants.W_OK);
    return pass(name, `${stateDir} is writable`);
  } catch (error) {
    return fail(
      name,
      `${stateDir}: ${(error as Error).message}`,
      msg.stateDirFix(stateDir, (error as NodeJS.ErrnoException).code),
    );
  }
}

export function checkSourcesConfigured(config: Config): CheckResult {
  const configured = [
    config.digitalocean && 'digitalocean',
    config.database && 'database',
    config.health && 'health',
  ].filter(Boolean);
  return configured.length
    ? pass('sources', `configured: ${configured.join(', ')}`)
    : fail(
        'sources',
        'no deployment source is configured',
        'Set digitalocean.appId or digitalocean.apps (and DIGITALOCEAN_ACCESS_TOKEN or DIGITALOCEAN_TOKEN), database, or health.url in deploy-watch.config.json.',
      );
}

/** Token accepted, each app found, and deploy-on-push on for the deploy branch: one probe of the app per app. */
export async function checkDigitalOcean(config: Config): Promise<CheckResult[]> {
  const apps = configuredApps(config);
  if (apps.length === 0) return [skip('DigitalOcean', 'not configured (digitalocean.appId or digitalocean.apps)')];
  const access = doAccessOf(config);
  if (!access)
    return [
      fail(
        'DigitalOcean token',
        'neither DIGITALOCEAN_ACCESS_TOKEN nor DIGITALOCEAN_TOKEN is set',
        'Create a read token (scope app:read) and export DIGITALOCEAN_ACCESS_TOKEN (DIGITALOCEAN_TOKEN, the name Terraform uses, works too), or put it in ~/.config/deploy-watch/env.',
      ),
    ];
  const results: CheckResult[] = [];
  for (const app of apps) {
    const seen = await checkApp(config, access, app, apps.length > 1);
    // A rejected token or an unreachable API answers the same for every app: say it once.
    if (seen.stop) return [...results.filter((r) => r.name !== 'DigitalOcean token'), ...seen.results];
    if (!results.some((r) => r.name === 'DigitalOcean token')) results.push(pass('DigitalOcean token', 'accepted'));
    results.push(...seen.results);
  }
  return apps.length > 1 ? leftOutIsWarning(results, config.branch) : results;
}

async function checkApp(
  config: Config,
  access: DoAccess,
  app: { id: string; name: string | null },
  several: boolean,
): Promise<{ stop: boolean; results: CheckResult[] }> {
  const appName = several ? `DigitalOcean app ${app.name}` : 'DigitalOcean app';
  const response = await probeApp(access, app.id);
  if (response.kind === 'unreachable') {
    return {
      stop: true,
      results: [
        fail(
          'DigitalOcean API',
          `cannot reach ${config.doApiUrl}: ${redactText(response.reason, [access.token])}`,
          'Check the network, or DEPLOY_WATCH_DO_API_URL.',
        ),
      ],
    };
  }
  if (response.status === 401 || response.status === 403) {
    return {
      stop: true,
      results: [
        fail(
          'DigitalOcean token',
          `rejected (HTTP ${response.status})`,
          'The token is wrong, expired or lacks app:read: create a new one and update DIGITALOCEAN_ACCESS_TOKEN (or DIGITALOCEAN_TOKEN, whichever you set; DIGITALOCEAN_ACCESS_TOKEN wins when both are).',
        ),
      ],
    };
  }
  if (response.status === 404)
    return {
      stop: false,
      results: [
        fail(
          appName,
          `no app ${app.id}`,
          `Copy the app id from \`doctl apps list\` into ${several ? `digitalocean.apps (${app.name})` : 'digitalocean.appId'}.`,
        ),
      ],
    };
  if (!response.ok)
    return {
      stop: true,
      results: [fail('DigitalOcean API', `HTTP ${response.status}`, 'Try again later; see status.digitalocean.com.')],
    };
  const body = response.body as { app?: { spec?: { name?: string } & Record<string, unknown> } } | undefined;
  if (body === undefined) {
    return {
      stop: true,
      results: [
        fail('DigitalOcean API', 'answered with malformed JSON', 'Try again later, or check DEPLOY_WATCH_DO_API_URL.'),
      ],
    };
  }
  const spec = body.app?.spec ?? {};
  const onPush = checkDeployOnPush(spec, config.branch);
  return {
    stop: false,
    results: [
      pass(appName, `found: ${spec.name ?? app.id}`),
      several ? { ...onPush, name: `deploy on push (${app.name})` } : onPush,
    ],
  };
}

/**
 * With several apps, one that a push to the branch does not deploy is left out of the outcome: a warning,
 * unless that leaves no app at all.
 */
function leftOutIsWarning(results: CheckResult[], branch: string): CheckResult[] {
  const onPush = results.filter((r) => r.name.startsWith('deploy on push ('));
  if (onPush.every((r) => r.verdict !== 'pass')) return results;
  return results.map((r) =>
    onPush.includes(r) && r.verdict === 'fail'
      ? {
          ...r,
          verdict: 'warn',
          fix: `${msg.appLeftOut(r.name.slice('deploy on push ('.length, -1), branch)} ${r.fix}`,
        }
      : r,
  );
}

export function checkDeployOnPush(spec: Record<string, unknown>, branch: string): CheckResult {
  const name = 'deploy on push';
  const sources = pushSources(spec).map((s) => ({
    name: s.component,
    branch: s.branch,
    deploy_on_push: s.deployOnPush,
  }));
  if (sources.length === 0)
    return warn(
      name,
      'no component deploys from a git repository (images only?)',
      'Nothing to watch after git push unless a component uses github/gitlab/bitbucket.',
    );
  const onBranch = sources.filter((s) => s.branch === branch);
  if (onBranch.length === 0)
    return fail(
      name,
      `no component deploys from branch ${branch} (${sources.map((s) => `${s.name}: ${s.branch}`).join(', ')})`,
      `Set "branch" in deploy-watch.config.json to the app's branch, or change the app spec.`,
    );
  const off = onBranch.filter((s) => s.deploy_on_push !== true);
  if (off.length)
    return fail(
      name,
      `deploy_on_push is off for ${off.map((s) => s.name).join(', ')}`,
      'Turn on "Autodeploy" for the component (deploy_on_push: true in the app spec), or pushes will not deploy.',
    );
  return pass(name, `on for ${onBranch.map((s) => s.name).join(', ')} (branch ${branch})`);
}
