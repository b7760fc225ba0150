// Where a commit's changes are posted (GitHub, GitLab): the publisher (publisher.ts) keeps the order, the
// retries and the record; a destination says what a record calls for there, and the POST each change needs.
import type { Published, StatusRecord } from '../store/statusRecord.js';
import type { GitHubAnswer } from './github/client.js';

/** A destination's answer: go on, try again after a wait, or give up for good (GitHub's and GitLab's alike). */
export type PostAnswer = GitHubAnswer;

/** What a destination keeps on the record: what it posted, and why it stopped. */
export interface Part {
  refused: string | null;
}

/** One change to post, told from a repeat by its value under its key (a status context, `deployment`). */
export interface Change {
  key: string;
  value: string;
}

/** One POST, and what to remember once it was taken. */
export interface Step<P extends Part> {
  /** What it writes, for the refusal's words (`statuses`, `deployments`). */
  what: string;
  path: string;
  body: object;
  /** The change is posted (false: this step only made what the next one posts to). */
  completes: boolean;
  done(answer: Extract<PostAnswer, { kind: 'ok' }>, part: P): void;
}

export interface Destination<P extends Part, C extends Change> {
  client: { post(path: string, body: object): Promise<PostAnswer> };
  /** The repository or project, for the log. */
  target: string;
  /** What was published here, from a record (null: nothing, or to another repository or project). */
  partOf(published: Published | null | undefined): P | null;
  /** `published` with this part in it, the other destination's part kept. */
  withPart(published: Published | null | undefined, part: P): Published;
  empty(): P;
  /** The values already posted, per key, from the part a record brought. */
  posted(part: P | null): Record<string, string>;
  /** Every change the record calls for, repeats included (the publisher drops those). */
  changes(record: StatusRecord): C[];
  step(change: C, part: P, sha: string): Promise<Step<P>>;
  /** Why publishing stopped, said once on the record and in the log. */
  refusal(step: Step<P>, answer: Extract<PostAnswer, { kind: 'refused' }>): string;
  /** Why posting stopped: the drain's `seconds` ran out, or (null) the watcher was stopped. */
  gaveUp(seconds: number | null, reason: string): string;
}
