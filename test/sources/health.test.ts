// The health source against a real HTTP server on 127.0.0.1, plus the JSON path grammar.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  COMMIT_FIELDS,
  COMMIT_HEADERS,
  commitInBody,
  commitInHeaders,
  looksLikeSha,
} from '../../src/sources/commitFinder.js';
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
  '/auto-header': json(200, { status: 'ok', version: '1.4.2' }, { 'X-Commit-Sha': SHA.slice(0, 12) }),
  '/auto-old': json(200, { status: 'ok', commit: OTHER }),
  '/auto-semver': json(200, { status: 'ok', version: '1.4.2', commit: 'unknown' }),
  '/auto-spring': json(200, { git: { branch: 'main', commit: { id: SHA.slice(0, 7) } } }),
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

  test('without health.commit the commit is found where apps commonly put it: success only for this commit', async () => {
    assert.deepEqual(brief(await observe('/ok')), ['success', 'HTTP 200'], '$.version.commit');
    assert.deepEqual(brief(await observe('/auto-header')), ['success', 'HTTP 200'], 'x-commit-sha, abbreviated');
    assert.deepEqual(brief(await observe('/auto-spring')), ['success', 'HTTP 200'], '$.git.commit.id');
    assert.deepEqual(brief(await observe('/to-ok')), ['success', 'HTTP 200'], 'an http redirect is followed');
    assert.deepEqual(brief(await observe('/auto-old')), ['deploying', 'serving fedcba9'], 'the old version serves');
    const seen = await observe('/auto-header');
    assert.equal(
      seen.kind === 'state' && seen.message,
      'the health endpoint reports commit 0123456 (header x-commit-sha)',
    );
  });

  test('another commit that contains this one (a later push serving) is success; unknown ancestry is not', async () => {
    const asked: string[][] = [];
    const withAncestry = (answer: boolean | null) =>
      createHealthSource({
        url: `${base}/auto-old`,
        timeoutMs: 2000,
        isAncestor: async (a, b, remote) => {
          asked.push([a, b, String(remote)]);
          return answer;
        },
      }).observe({ sha: SHA, branch: 'main', remote: 'origin' });
    const contains = await withAncestry(true);
    assert.deepEqual(brief(contains), ['success', 'HTTP 200']);
    assert.match(contains.kind === 'state' ? String(contains.message) : '', /fedcba9 \(\$\.commit\), a later commit/);
    assert.deepEqual(asked[0], [SHA, OTHER, 'origin']);
    assert.deepEqual(brief(await withAncestry(null)), ['deploying', 'serving fedcba9']);
    assert.deepEqual(brief(await withAncestry(false)), ['deploying', 'serving fedcba9']);
  });

  test('a 2xx that names no commit says the app is up, never success: permanent, with the fix', async () => {
    for (const path of ['/nocommit', '/empty', '/html', '/auto-semver']) {
      const seen = await observe(path);
      assert.equal(seen.kind, 'unavailable', path);
      assert.ok(seen.kind === 'unavailable' && seen.permanent && seen.up, path);
      assert.match(
        String(brief(seen)[2]),
        /^The health endpoint is up \(HTTP 20[04]\) but names no commit, so it cannot tell whether this commit deployed\. Set health\.commit/,
        path,
      );
    }
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

describe('the commit finder (no health.commit)', () => {
  test('a sha-like value is 7 to 64 hex digits; versions and words are not', () => {
    for (const yes of [SHA, SHA.slice(0, 7), ` ${SHA.toUpperCase()} `, 'a'.repeat(64)])
      assert.ok(looksLikeSha(yes), yes);
    for (const no of ['1.4.2', 'v1.2.3', 'unknown', SHA.slice(0, 6), 'a'.repeat(65), 'g1234567', 1234567, null])
      assert.ok(!looksLikeSha(no), String(no));
  });

  test('each documented field is read, in order; one that is not a sha is passed over', () => {
    for (const path of COMMIT_FIELDS) {
      const steps = path.slice(2).split('.');
      const body = steps.reduceRight<unknown>((inner, key) => ({ [key]: inner }), SHA);
      assert.deepEqual(commitInBody(body), { commit: SHA, where: path }, path);
    }
    assert.deepEqual(commitInBody({ version: '2.0.1', build: { commit: SHA } }), {
      commit: SHA,
      where: '$.build.commit',
    });
    assert.deepEqual(commitInBody({ commit: OTHER, sha: SHA }), { commit: OTHER, where: '$.commit' }, 'first wins');
    for (const none of [null, 'text', [SHA], { status: 'ok' }, { commit: 42 }, { version: { commit: 'dev' } }])
      assert.equal(commitInBody(none), null, JSON.stringify(none));
  });

  test('each documented header is read, case-insensitively; a version number is passed over', () => {
    for (const name of COMMIT_HEADERS)
      assert.deepEqual(commitInHeaders(new Headers({ [name.toUpperCase()]: ` ${SHA} ` })), {
        commit: SHA,
        where: `header ${name}`,
      });
    assert.equal(commitInHeaders(new Headers({ 'x-app-version': '3.1.0', 'x-commit': 'main' })), null);
  });

  test('docs/config.md names exactly the fields and headers looked in', () => {
    const readme = readFileSync(new URL('../../../docs/config.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('**Health**'));
    const named = (list: string) => [...list.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const fields = /JSON fields, in this order: (.*?`)[.;]\s/s.exec(section)?.[1] ?? '';
    const headers = /headers, in this order: (.*?`)[.;]\s/s.exec(section)?.[1] ?? '';
    assert.deepEqual(named(fields), [...COMMIT_FIELDS]);
    assert.deepEqual(named(headers), [...COMMIT_HEADERS]);
  });
});
