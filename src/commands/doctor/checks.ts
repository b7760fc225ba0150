// The checks `doctor` runs, each one small: a name, a verdict, what was seen, and the fix.
import { accessSync, constants, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../core/config.js';
import { redactText } from '../../core/redact.js';

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

export function checkHooks(topLevel: string, hooksPath: string | null): CheckResult {
  const name = 'pre-push hook';
  const hook = join(topLevel, '.husky', 'pre-push');
  let text: string;
  try {
    text = readFileSync(hook, 'utf8');
  } catch {
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
  if (!hooksPath?.replace(/\/+$/, '').endsWith('.husky/_')) {
    return fail(
      name,
      `git does not run Husky's hooks (core.hooksPath is ${hooksPath ?? 'unset'})`,
      'Run: npx husky (or npm install, whose prepare script runs it)',
    );
  }
  return pass(name, 'installed and executable; core.hooksPath points at Husky');
}

export function checkStateDir(stateDir: string): CheckResult {
  const name = 'state folder';
  try {
    mkdirSync(join(stateDir, 'runs'), { recursive: true });
    const probe = join(stateDir, 'runs', `.doctor.${process.pid}.tmp`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
    accessSync(stateDir, constants.R_OK | constants.W_OK);
    return pass(name, `${stateDir} is writable`);
  } catch (error) {
    return fail(
      name,
      `${stateDir}: ${(error as Error).message}`,
      `Make it a folder you can write (chmod u+rwx "${stateDir}") or set DEPLOY_WATCH_STATE_DIR.`,
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
        'Set digitalocean.appId (and DIGITALOCEAN_ACCESS_TOKEN), database, or health.url in deploy-watch.config.json.',
      );
}

interface AppSpecComponent {
  name?: string;
  github?: { branch?: string; deploy_on_push?: boolean };
  gitlab?: { branch?: string; deploy_on_push?: boolean };
  bitbucket?: { branch?: string; deploy_on_push?: boolean };
}

/** Token accepted, app found, and deploy-on-push on for the deploy branch: one GET /v2/apps/{id}. */
export async function checkDigitalOcean(config: Config, fetchImpl: typeof fetch = fetch): Promise<CheckResult[]> {
  if (!config.digitalocean) return [skip('DigitalOcean', 'not configured (digitalocean.appId)')];
  const token = config.secrets.doToken;
  if (!token)
    return [
      fail(
        'DigitalOcean token',
        'DIGITALOCEAN_ACCESS_TOKEN is not set',
        'Create a read token (scope app:read) and export DIGITALOCEAN_ACCESS_TOKEN, or put it in ~/.config/deploy-watch/env.',
      ),
    ];
  const url = `${config.doApiUrl}/v2/apps/${encodeURIComponent(config.digitalocean.appId)}`;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    return [
      fail(
        'DigitalOcean API',
        `cannot reach ${config.doApiUrl}: ${redactText((error as Error).message, [token])}`,
        'Check the network, or DEPLOY_WATCH_DO_API_URL.',
      ),
    ];
  }
  if (response.status === 401 || response.status === 403) {
    return [
      fail(
        'DigitalOcean token',
        `rejected (HTTP ${response.status})`,
        'The token is wrong, expired or lacks app:read: create a new one and update DIGITALOCEAN_ACCESS_TOKEN.',
      ),
    ];
  }
  if (response.status === 404)
    return [
      pass('DigitalOcean token', 'accepted'),
      fail(
        'DigitalOcean app',
        `no app ${config.digitalocean.appId}`,
        'Copy the app id from `doctl apps list` into digitalocean.appId.',
      ),
    ];
  if (!response.ok)
    return [fail('DigitalOcean API', `HTTP ${response.status}`, 'Try again later; see status.digitalocean.com.')];
  let app: { app?: { spec?: { name?: string } & Record<string, AppSpecComponent[] | unknown> } };
  try {
    app = (await response.json()) as typeof app;
  } catch {
    return [
      fail('DigitalOcean API', 'answered with malformed JSON', 'Try again later, or check DEPLOY_WATCH_DO_API_URL.'),
    ];
  }
  const spec = app.app?.spec ?? {};
  const results = [
    pass('DigitalOcean token', 'accepted'),
    pass('DigitalOcean app', `found: ${spec.name ?? config.digitalocean.appId}`),
  ];
  results.push(checkDeployOnPush(spec, config.branch));
  return results;
}

export function checkDeployOnPush(spec: Record<string, unknown>, branch: string): CheckResult {
  const name = 'deploy on push';
  const components: AppSpecComponent[] = [];
  for (const kind of ['services', 'workers', 'jobs', 'static_sites', 'functions']) {
    const list = spec[kind];
    if (Array.isArray(list)) components.push(...(list as AppSpecComponent[]));
  }
  const sources = components.flatMap((c) =>
    [c.github, c.gitlab, c.bitbucket].filter(Boolean).map((s) => ({ name: c.name ?? '?', ...s! })),
  );
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
