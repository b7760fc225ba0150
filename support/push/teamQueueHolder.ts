// A machine holding the team's push turn: joins the team queue for <queue-url> <branch> in <schema>,
// prints "holding" once its turn has come, and holds it until killed (the tests SIGKILL it mid-turn).
import { TeamPushQueue } from '../../src/push/queue/teamQueue.js';

const [url, schema, queueUrl, branch, host] = process.argv.slice(2) as [string, string, string, string, string];
const queue = new TeamPushQueue({
  url,
  schema,
  host,
  now: Date.now,
  turnTimeoutMs: 600_000,
  pollMs: 100,
  warn: (m) => process.stderr.write(`${m}\n`),
});
await queue.enter({ url: queueUrl, branch });
process.stdout.write('holding\n');
setInterval(() => undefined, 60_000);
