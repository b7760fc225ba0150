// A strict HTTP script: each request must match the next expected one, in order; a request the script
// does not expect answers 599 and is recorded, and `verify()` fails on it and on any answer left unused.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Step {
  /** Substring the request's path and query must contain. */
  expect: string;
  status: number;
  body: string | object;
  headers?: Record<string, string>;
}

export interface Scripted {
  url: string;
  seen: string[];
  verify(): void;
  close(): Promise<void>;
}

export async function scriptedServer(steps: Step[]): Promise<Scripted> {
  const queue = [...steps];
  const seen: string[] = [];
  const unexpected: string[] = [];
  const server = createServer((req, res) => {
    const target = req.url ?? '/';
    seen.push(target);
    const step = queue[0];
    if (!step || !target.includes(step.expect)) {
      unexpected.push(`${target} (expected ${step ? step.expect : 'no more requests'})`);
      res.writeHead(599).end();
      return;
    }
    queue.shift();
    res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
    res.end(typeof step.body === 'string' ? step.body : JSON.stringify(step.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    verify() {
      assert.deepEqual(unexpected, [], 'unexpected requests');
      assert.deepEqual(
        queue.map((s) => s.expect),
        [],
        'scripted answers never asked for',
      );
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
