// followWorld with a publisher: the fake DigitalOcean drives a commit's follow on a driven clock, its records
// go through the publisher to the local GitHub stand-in. The publisher's waits are recorded and only yield,
// so a retry never moves the follow's clock (a record delayed by GitHub would show in its times).
import { createGitHubClient } from '../../src/publish/github/client.js';
import { createPublisher, type PublisherOptions } from '../../src/publish/publisher.js';
import type { StatusRecord } from '../../src/store/statusRecord.js';
import { type FakeGitHub, type GitHubOptions, startGitHub } from '../fakes/githubApi.js';
import type { TestRepo } from '../helpers/repo.js';
import { type World, world } from './followWorld.js';

export const GH_TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
export const GH_REPO = 'acme/shop';

export interface PublishWorld extends World {
  github: FakeGitHub;
  /** Every wait the publisher asked for (ms). */
  waits: number[];
  events: Array<{ event: string; fields: Record<string, unknown> }>;
  /** Follows the commit to its outcome with publishing on; the record as stored once publishing settled. */
  publish(sha: string, opts?: { resume?: StatusRecord; signal?: AbortSignal }): Promise<StatusRecord>;
}

export async function publishWorld(
  script: Parameters<typeof world>[0],
  github: Partial<GitHubOptions> = {},
  publisher: Partial<PublisherOptions> = {},
): Promise<PublishWorld> {
  const w = await world(script);
  const gh = await startGitHub({ token: GH_TOKEN, repo: GH_REPO, ...github });
  const waits: number[] = [];
  const events: PublishWorld['events'] = [];
  const made = createPublisher({
    client: createGitHubClient({ apiUrl: gh.url, token: GH_TOKEN, timeoutMs: 2_000, now: () => w.clock.now }),
    repo: GH_REPO,
    contexts: ['deploy-watch'],
    environment: null,
    appId: 'app-1',
    environmentUrl: async () => 'https://app-1.ondigitalocean.app',
    now: () => w.clock.now,
    sleep: async (ms) => {
      waits.push(ms);
      await new Promise(setImmediate);
    },
    log: (event, fields) => events.push({ event, fields }),
    ...publisher,
  });
  return {
    ...w,
    github: gh,
    waits,
    events,
    publish: async (sha, opts = {}) => {
      const signal = opts.signal ?? new AbortController().signal;
      const follow = made.follow(sha, w.store, signal);
      await w.run(sha, { store: follow.store, signal, ...(opts.resume ? { resume: opts.resume } : {}) });
      await follow.settled();
      const read = await w.store.read(sha);
      if (read.status !== 'ok') throw new Error(`no record for ${sha}: ${read.status}`);
      return read.record;
    },
    close: async () => {
      await gh.close();
      await w.close();
    },
  };
}

/** A deployment of HEAD that goes through every phase to `end`. */
export function deploysHead(end: 'ACTIVE' | 'ERROR' = 'ACTIVE') {
  return (repo: TestRepo) => ({
    deployments: [
      {
        id: 'dep-1',
        sha: repo.git('rev-parse', 'HEAD'),
        phases: [
          [0, 'PENDING_BUILD'],
          [10_000, 'BUILDING'],
          [60_000, 'DEPLOYING'],
          [90_000, end],
        ] as Array<[number, 'PENDING_BUILD' | 'BUILDING' | 'DEPLOYING' | 'ACTIVE' | 'ERROR']>,
      },
    ],
  });
}
