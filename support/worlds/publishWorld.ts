// followWorld with a publisher: the fake DigitalOcean drives a commit's follow on a driven clock, its records
// go through the publisher to the local GitHub stand-in (and the GitLab one, or only that, when asked). The publisher's waits are recorded and only yield,
// so a retry never moves the follow's clock (a record delayed by GitHub would show in its times).
import assert from 'node:assert/strict';
import { createGitHubClient } from '../../src/publish/github/client.js';
import { createGitLabClient } from '../../src/publish/gitlab/client.js';
import { gitLabDestination } from '../../src/publish/gitlab/destination.js';
import {
  chainedPublishers,
  createPublisher,
  type Publisher,
  type PublisherOptions,
  publisherTo,
} from '../../src/publish/publisher.js';
import { newRecord, type Published, type StatusRecord } from '../../src/store/statusRecord.js';
import { type FakeGitHub, type GitHubOptions, startGitHub } from '../fakes/githubApi.js';
import { type FakeGitLab, type GitLabOptions, startGitLab } from '../fakes/gitlabApi.js';
import type { TestRepo } from '../helpers/repo.js';
import { type World, world } from './followWorld.js';

export const GH_TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
export const GH_REPO = 'acme/shop';
export const GL_TOKEN = 'glpat-abcdefghij0123456789';
export const GL_PROJECT = 'acme/web/shop';

export interface PublishWorld extends World {
  github: FakeGitHub;
  /** The GitLab stand-in (answering nothing unless the world publishes to GitLab). */
  gitlab: FakeGitLab;
  /** Every wait the publisher asked for (ms). */
  waits: number[];
  events: Array<{ event: string; fields: Record<string, unknown> }>;
  /** Follows the commit to its outcome with publishing on; the record as stored once publishing settled. */
  publish(sha: string, opts?: { resume?: StatusRecord; signal?: AbortSignal }): Promise<StatusRecord>;
  /** publish() of HEAD. */
  publishHead(opts?: { signal?: AbortSignal }): Promise<StatusRecord>;
  /** A commit another watcher followed to `building` and published `published` for, on record 20 s ago: resume it. */
  takeOver(sha: string, published: Published): Promise<StatusRecord>;
}

export async function publishWorld(
  script: Parameters<typeof world>[0],
  github: Partial<GitHubOptions> = {},
  publisher: Partial<PublisherOptions> = {},
  /** Publish to GitLab too (`github: false`: to GitLab only), to a stand-in with these options. */
  to: { gitlab?: Partial<GitLabOptions> & { token?: string }; github?: false } = {},
): Promise<PublishWorld> {
  const w = await world(script);
  const gh = await startGitHub({ token: GH_TOKEN, repo: GH_REPO, ...github });
  // `token`: the one the publisher sends (another than the stand-in's: a rejected token).
  const { token: sentToken = GL_TOKEN, ...gitLabOptions } = to.gitlab ?? {};
  const gl = await startGitLab({ token: GL_TOKEN, project: GL_PROJECT, ...gitLabOptions });
  const waits: number[] = [];
  const events: PublishWorld['events'] = [];
  const timing = {
    now: () => w.clock.now,
    sleep: async (ms: number) => {
      waits.push(ms);
      await new Promise(setImmediate);
    },
    log: (event: string, fields: Record<string, unknown>) => events.push({ event, fields }),
  };
  const publishers: Publisher[] = [];
  if (to.github !== false)
    publishers.push(
      createPublisher({
        client: createGitHubClient({ apiUrl: gh.url, token: GH_TOKEN, timeoutMs: 2_000, now: timing.now }),
        repo: GH_REPO,
        contexts: ['deploy-watch'],
        environment: null,
        appId: 'app-1',
        environmentUrl: async () => 'https://app-1.ondigitalocean.app',
        ...timing,
        ...publisher,
      }),
    );
  if (to.gitlab) {
    const client = createGitLabClient({ apiUrl: gl.url, token: sentToken, timeoutMs: 2_000, now: timing.now });
    const destination = gitLabDestination({ client, project: GL_PROJECT, contexts: ['deploy-watch'], appId: 'app-1' });
    publishers.push(publisherTo(destination, timing));
  }
  const made = chainedPublishers(publishers);
  const pw: PublishWorld = {
    ...w,
    github: gh,
    gitlab: gl,
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
    publishHead: (opts) => pw.publish(w.repo.git('rev-parse', 'HEAD'), opts),
    takeOver: async (sha, published) => {
      const startedAt = new Date(w.clock.now).toISOString();
      const resume = {
        ...newRecord({ sha, branch: 'main', remote: 'origin', state: 'building', phase: 'BUILDING' }, startedAt),
        source: 'digitalocean' as const,
        deploymentId: 'dep-1',
        published,
      };
      await w.store.write(resume);
      w.clock.now += 20_000;
      return resume;
    },
    close: async () => {
      await gh.close();
      await gl.close();
      await w.close();
    },
  };
  return pw;
}

/** A record published through faults, waiting `waitedMs` as the service said, was written when, and as often
 * as, one published without them. */
export function assertUndelayed(faulty: PublishWorld, waitedMs: number, record: StatusRecord, expected: StatusRecord) {
  assert.ok(faulty.waits.includes(waitedMs), `waited as the service said: ${faulty.waits}`);
  assert.equal(record.finishedAt, expected.finishedAt, 'the outcome was recorded when it would have been');
  assert.equal(record.polls, expected.polls);
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
