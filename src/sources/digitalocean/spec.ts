// Which branches an app deploys on push, read from its spec: pure functions shared by `doctor` and the
// several-apps source (which leaves out an app that a push to the deploy branch does not deploy).
import type { AppSpec } from './schema.js';

const KINDS = ['services', 'workers', 'jobs', 'static_sites', 'functions'] as const;

export interface PushSource {
  component: string;
  branch: string | null;
  deployOnPush: boolean;
}

/** Every component's github/gitlab/bitbucket source; a plain `git` source never deploys on push. */
export function pushSources(spec: AppSpec | Record<string, unknown>): PushSource[] {
  const out: PushSource[] = [];
  for (const kind of KINDS) {
    const list = (spec as Record<string, unknown>)[kind];
    if (!Array.isArray(list)) continue;
    for (const c of list as Array<Record<string, unknown> | null>) {
      for (const host of ['github', 'gitlab', 'bitbucket']) {
        const s = c?.[host] as { branch?: unknown; deploy_on_push?: unknown } | null | undefined;
        if (!s || typeof s !== 'object') continue;
        out.push({
          component: typeof c?.name === 'string' ? c.name : '?',
          branch: typeof s.branch === 'string' ? s.branch : null,
          deployOnPush: s.deploy_on_push === true,
        });
      }
    }
  }
  return out;
}

/** The components that a push to `branch` deploys (their source is on it with deploy_on_push). */
export function deployedByPushTo(spec: AppSpec | Record<string, unknown>, branch: string): PushSource[] {
  return pushSources(spec).filter((s) => s.branch === branch && s.deployOnPush);
}
