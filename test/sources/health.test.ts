// The health source against a real HTTP server on 127.0.0.1, plus the JSON path grammar.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { commitMatches, createHealthSource, parseCommitLocator } from '../../src/sources/health.js';
import { parseJsonPath, readJsonPath } from '../../src/sources/jsonPath.js';
import type { Observation } from '../../src/sources/source.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const OTHER = 'fedcba9876543210fedcba9876543210fedcba98';
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const timers = new Set<NodeJS.Timeout>();
const later = (ms: number, fn: () => void) => timers.add(setTimeout(fn, ms));
const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

const routes: Record<string, Handler> = {
  '/ok': json(200, { status: 'ok', version: { commit: SHA } }),
  '/short': json(200, { version: { commit: SHA.slice(0, 7) } }),
  '/six': json(200, { version: { commit: SHA.slice(0, 6) } }),
  '/other': json(200, { version: { commit: OTHER } }),
  '/nested': json(200, { builds: [{ 'git-sha': SHA.toUpperCase() }] }),
  '/nocommit': json(200, { status: 'ok' }),
  '/header': json(200, { status: 'ok' }, { 'X-Commit': SHA }),
  '/down': json(503, { status: 'down', version: { commit: SHA } }),
  '/empty': (_req, res) => res.writeHead(204).end(),
  '/html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>ok</html>'),
  '/slow': (_req, res) => later(3000, () => json(200, { version: { commit: SHA } })(_req, res)),
  '/slowbody': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).write('{"version":');
    later(3000, () => res.end(`{"commit":"${SHA}"}}`));
  },
  '/to-ok': (_req, res) => res.writeHead(302, { location: '/ok' }).end(),
  '/to-file': (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
  '/loop': (_req, res) => res.writeHead(301, { location: '/loop' }).end(),
  '/private': (req, res) => {
    const expected = `Basic ${Buffer.from('deploy:s3cr3t pass').toString('base64')}`;
    if (req.headers.authorization === expected) json(200, { version: { commit: SHA } })(req, res);
    else json(401, { error: 'auth' })(req, res);
  },
  '/to-elsewhere': (_req, res) => res.writeHead(302, { location: `${elsewhere}/seen` }).end(),
};

const server = createServer((req, res) => (routes[req.url ?? ''] ?? json(404, { error: 'no route' }))(req, res));
// Another origin: records the authorization header it was sent, if any.
const authSeenElsewhere: (string | undefined)[] = [];
const other = createServer((req, res) => {
  authSeenElsewhere.push(req.headers.authorization);
  json(200, {})(req, res);
});
let base = '';
let elsewhere = '';
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  elsewhere = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
after(() => {
  for (const timer of timers) clearTimeout(timer);
  for (const s of [server, other]) {
    s.closeAllConnections();
    s.close();
  }
});

const observe = (path: string, commit?: string, timeoutMs = 2000, signal?: AbortSignal): Promise<Observation> =>
  createHealthSource({ url: `${base}${path}`, commit, timeoutMs }).observe({ sha: SHA, branch: 'main', signal });
const brief = (o: Observation) => (o.kind === 'state' ? [o.state, o.phase] : [o.kind, o.permanent === true, o.reason]);

describe('health source', () => {
  test('2xx reporting this commit (full or a 7+ prefix) at the JSON path is success', async () => {
    assert.deepEqual(brief(await observe('/ok', '$.version.commit')), ['success', 'HTTP 200']);
    assert.deepEqual(brief(await observe('/short', '$.version.commit')), ['success', 'HTTP 200']);
    assert.deepEqual(brief(await observe('/nested', '$.builds[0]["git-sha"]')), ['success', 'HTTP 200']);
  });

  test('another commit, or a prefix too short to be sure, is still deploying', async () => {
    assert.deepEqual(brief(await observe('/other', '$.version.commit')), ['deploying', 'serving fedcba9']);
    assert.deepEqual(brief(await observe('/six', '$.version.commit')), ['deploying', 'serving 012345']);
  });

  test('header mode reads the commit from a response header', async () => {
    assert.deepEqual(brief(await observe('/header', 'header:x-commit')), ['success', 'HTTP 200']);
    const missing = brief(await observe('/ok', 'header:X-Deployed-Sha'));
    assert.deepEqual(missing.slice(0, 2), ['unavailable', false]);
    assert.match(String(missing[2]), /no X-Deployed-Sha header/);
  });

  test('without a commit configured any 2xx is success', async () => {
    assert.deepEqual(brief(await observe('/nocommit')), ['success', 'HTTP 200']);
    assert.deepEqual(brief(await observe('/empty')), ['success', 'HTTP 204']);
    assert.deepEqual(brief(await observe('/to-ok')), ['success', 'HTTP 200'], 'an http redirect is followed');
  });

  test('non-2xx is unavailable and worth retrying, even when it reports this commit', async () => {
    assert.deepEqual(brief(await observe('/down', '$.version.commit')), [
      'unavailable',
      false,
      'The health endpoint answered HTTP 503.',
    ]);
    assert.deepEqual(brief(await observe('/missing')), [
      'unavailable',
      false,
      'The health endpoint answered HTTP 404.',
    ]);
  });

  test('a body without the commit, or not JSON, is unavailable naming the path', async () => {
    const missing = brief(await observe('/nocommit', '$.version.commit'));
    assert.deepEqual(missing.slice(0, 2), ['unavailable', false]);
    assert.match(String(missing[2]), /no commit at \$\.version\.commit/);
    const html = brief(await observe('/html', '$.version.commit'));
    assert.match(String(html[2]), /not JSON, so \$\.version\.commit cannot be read/);
  });

  test('a slow answer or a slow body is cut off by the timeout', async () => {
    for (const path of ['/slow', '/slowbody']) {
      const began = performance.now();
      const result = brief(await observe(path, '$.version.commit', 200));
      const took = performance.now() - began;
      assert.deepEqual(result, ['unavailable', false, 'The health endpoint did not answer within 200 ms.'], path);
      assert.ok(took < 1500, `${path} answered in ${Math.round(took)} ms`);
    }
  });

  test('the monitor stopping aborts a request in flight', async () => {
    const stop = new AbortController();
    later(100, () => stop.abort());
    const result = brief(await observe('/slow', undefined, 5000, stop.signal));
    assert.equal(result[0], 'unavailable');
    assert.doesNotMatch(String(result[2]), /within 5000 ms/);
  });

  test('redirects to non-http(s) and redirect loops are not followed', async () => {
    assert.match(String(brief(await observe('/to-file'))[2]), /redirects to "file:\/\/\/etc\/passwd".*not followed/);
    assert.match(String(brief(await observe('/loop'))[2]), /redirected more than 5 times/);
  });

  test('user:password in the URL is sent as Basic auth to that origin only, and never shown', async () => {
    const withAuth = (path: string, port?: number) => {
      const url = new URL(`${base}${path}`);
      if (port) url.port = String(port);
      url.username = 'deploy';
      url.password = 's3cr3t%20pass';
      return createHealthSource({ url: url.href, commit: '$.version.commit', timeoutMs: 1000 }).observe({
        sha: SHA,
        branch: null,
      });
    };
    assert.deepEqual(brief(await withAuth('/private')), ['success', 'HTTP 200']);
    assert.deepEqual(brief(await observe('/private')), [
      'unavailable',
      false,
      'The health endpoint answered HTTP 401.',
    ]);
    await withAuth('/to-elsewhere');
    assert.deepEqual(authSeenElsewhere, [undefined], 'no credentials to another origin');
    const refused = brief(await withAuth('/', 1));
    assert.match(String(refused[2]), /Cannot reach the health endpoint/);
    assert.doesNotMatch(String(refused[2]), /s3cr3t/);
  });

  test('a closed port is unavailable, not permanent', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const result = await createHealthSource({ url: `http://127.0.0.1:${port}/`, timeoutMs: 1000 }).observe({
      sha: SHA,
      branch: null,
    });
    assert.deepEqual(brief(result).slice(0, 2), ['unavailable', false]);
    assert.match(String(brief(result)[2]), /Cannot reach the health endpoint: ECONNREFUSED/);
  });

  test('a bad URL or commit setting is permanent with the fix', async () => {
    const badUrl = await createHealthSource({ url: 'ftp://example.test/', timeoutMs: 100 }).observe({
      sha: SHA,
      branch: null,
    });
    assert.deepEqual(brief(badUrl), [
      'unavailable',
      true,
      'health.url must be an http(s) URL; got "ftp://example.test/".',
    ]);
    for (const spec of ['version.commit', '$.a..b', 'header:', '$']) {
      const obs = await createHealthSource({ url: `${base}/ok`, commit: spec, timeoutMs: 100 }).observe({
        sha: SHA,
        branch: null,
      });
      assert.deepEqual(brief(obs).slice(0, 2), ['unavailable', true], spec);
      assert.match(
        String(brief(obs)[2]),
        /Use a JSON path into the body such as \$\.version\.commit, or header:<name>/,
      );
    }
  });
});

describe('JSON path and commit matching', () => {
  test('parses the supported steps', () => {
    assert.deepEqual(parseJsonPath('$.version.commit'), ['version', 'commit']);
    assert.deepEqual(parseJsonPath('$.a[0].b'), ['a', 0, 'b']);
    assert.deepEqual(parseJsonPath(`$.a["x-y"]['z "q"'][12]`), ['a', 'x-y', 'z "q"', 12]);
    assert.deepEqual(parseCommitLocator('header:X-Commit'), { kind: 'header', name: 'X-Commit' });
    for (const bad of ['a.b', '$.', '$[x]', '$.a[-1]', '$.a["unclosed]', '$.a b'])
      assert.equal(typeof parseJsonPath(bad), 'string', bad);
  });

  test('reads values and never walks into inherited properties', () => {
    const body = { a: [{ b: 'x' }], n: 0 };
    assert.equal(readJsonPath(body, ['a', 0, 'b']), 'x');
    assert.equal(readJsonPath(body, ['a', 1, 'b']), undefined);
    assert.equal(readJsonPath(body, ['a', 'length']), undefined);
    assert.equal(readJsonPath(body, ['constructor']), undefined);
    assert.equal(readJsonPath(body, ['n']), 0);
  });

  test('a commit matches in full or as a hex prefix of at least 7', () => {
    assert.ok(commitMatches(SHA, SHA));
    assert.ok(commitMatches(` ${SHA.slice(0, 7).toUpperCase()}\n`, SHA));
    assert.ok(!commitMatches(SHA.slice(0, 6), SHA));
    assert.ok(!commitMatches(OTHER.slice(0, 12), SHA));
    assert.ok(!commitMatches('', SHA));
  });
});
