// Shared by the hook tests and bench/hooks.ts. A real repository set up the way a user's is after `npm install` + `deploy-watch init`: husky's
// runner in .husky/_ (core.hooksPath), node_modules/.bin/deploy-watch pointing at this package's bin.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, cli } from '../helpers/cli.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';

const HUSKY_DIR = fileURLToPath(new URL('../../../node_modules/husky', import.meta.url));

export function installNodeModules(dir: string): void {
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(HUSKY_DIR, join(dir, 'node_modules', 'husky'));
  symlinkSync(BIN, join(dir, 'node_modules', '.bin', 'deploy-watch'));
}

/** makeRepo() + node_modules + `deploy-watch init`, committed and pushed like a user would. */
export function makeHookedRepo(): TestRepo {
  const repo = makeRepo();
  writeFileSync(join(repo.dir, '.gitignore'), 'node_modules/\n');
  installNodeModules(repo.dir);
  const r = cli(['init'], { cwd: repo.dir, env: repo.env });
  if (r.code !== 0) throw new Error(`init failed: ${r.stderr}`);
  repo.git('add', '.gitignore', 'package.json', '.husky/pre-push', '.husky/post-checkout', 'deploy-watch.config.json');
  repo.git('commit', '-q', '-m', 'install deploy-watch');
  repo.git('push', '-q', '--no-verify', 'origin', 'main');
  return repo;
}

export function setConfig(repo: TestRepo, config: object): void {
  writeFileSync(join(repo.dir, 'deploy-watch.config.json'), `${JSON.stringify(config, null, 2)}\n`);
}

export const stateDir = (repo: TestRepo) => join(repo.dir, '.git', 'deploy-watch');

/** The tool log's lines from the post-push step for `sha` (its verdict: accepted/rejected/timeout). */
export function watcherVerdicts(repo: TestRepo, sha: string): string[] {
  const file = join(stateDir(repo), 'deploy-watch.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { sha?: string; verdict?: string })
    .filter((e) => e.sha === sha && e.verdict)
    .map((e) => e.verdict!);
}

export { killUnder, processesUnder } from '../helpers/processes.js';

/** Polls `probe` (real time: these are real background processes) until it holds or the deadline passes. */
export async function waitFor<T>(
  probe: () => T | null | undefined | false,
  what: string,
  deadlineMs = 20_000,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface HealthServer {
  /**
   * The endpoint for one repository: it answers 200 with the tip of `branch` on the repository's bare remote
   * in `x-commit-sha`, as an app deployed on push reports the commit it serves.
   */
  urlFor(repo: { remote: string }, branch?: string): string;
  hits: () => number;
  close: () => Promise<void>;
}

/** A 127.0.0.1 health endpoint that reports the deployed commit and counts requests (one per monitor poll). */
export async function startHealth(): Promise<HealthServer> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    // Asynchronous, so the server keeps answering while a test waits on a child process.
    execFile(
      'git',
      ['--git-dir', query.get('remote') ?? '', 'rev-parse', '--verify', '-q', `refs/heads/${query.get('branch')}`],
      (_error, stdout) => {
        const tip = stdout.trim();
        res.writeHead(200, { 'content-type': 'application/json', ...(tip ? { 'x-commit-sha': tip } : {}) });
        res.end('{"ok":true}');
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    urlFor: (repo, branch = 'main') =>
      `http://127.0.0.1:${port}/health?remote=${encodeURIComponent(repo.remote)}&branch=${encodeURIComponent(branch)}`,
    hits: () => hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
