// A real process in the push queue: joins the line for <url> <branch>, appends <name> to <log> when
// its turn comes, holds the turn until <release-file> exists, then gives it back and exits.
import { appendFileSync, existsSync } from 'node:fs';
import { LocalPushQueue } from '../../src/push/queue/localQueue.js';

const [cacheDir, url, branch, log, name, releaseFile] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const queue = new LocalPushQueue({ cacheDir, now: Date.now, turnTimeoutMs: 60_000, pollMs: 100 });
const turn = await queue.enter({ url, branch });
appendFileSync(log, `${name}\n`);
while (!existsSync(releaseFile)) await new Promise((r) => setTimeout(r, 20));
await turn.release();
