// A private PostgreSQL cluster for the tests: Debian's binaries, a temp folder, a free port on
// 127.0.0.1, password auth over TCP (so wrong-password tests mean something), one database per run.
// Outside CI a missing PostgreSQL is a skip that says how to install it; in CI it is a failure.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { makeTempDir } from './repo.js';

export interface TestPostgres {
  /** postgresql://postgres:PASSWORD@127.0.0.1:PORT/dw_test_xxx, a database of its own. */
  url: string;
  password: string;
  port: number;
  /** How long initdb + start + create database took. */
  startMs: number;
  stop(): Promise<void>;
}

const INSTALL_HINT = 'install PostgreSQL to run them: apt-get install postgresql (Debian/Ubuntu), then run the tests again';

function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root).filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')));
  majors.sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], 'bin') : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts the cluster; `{ skip }` when it cannot (never in CI, where it throws instead). */
export async function startPostgres(): Promise<TestPostgres | { skip: string }> {
  try {
    return await start();
  } catch (error) {
    const reason = `PostgreSQL tests need a local server: ${(error as Error).message}`;
    if (process.env.CI === 'true') throw new Error(`${reason} (CI=true, so this is a failure, not a skip)`);
    return { skip: reason };
  }
}

async function start(): Promise<TestPostgres> {
  const began = performance.now();
  const bin = binDir();
  if (!bin) throw new Error(`no initdb under /usr/lib/postgresql/*/bin; ${INSTALL_HINT}`);
  const asRoot = process.getuid?.() === 0;
  const dir = makeTempDir('dw-pg-');
  // PostgreSQL refuses to run as root: as root, run its tools as the package's `postgres` user.
  const run = (tool: string, args: string[]) => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    return execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' }, timeout: 60_000 });
  };
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  let started = false;
  const stopSync = () => {
    if (started) {
      started = false;
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
      chownSync(pwfile, uid, gid);
    }
    run('initdb', ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`, '-N', '-E', 'UTF8']);
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
        run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
        started = true;
        break;
      } catch (error) {
        if (attempt >= 3) throw error; // another process may have taken the port in between
      }
    }
    // If a test run dies without `stop`, still leave no postmaster behind.
    process.once('exit', stopSync);
    const database = `dw_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres` });
    await admin.connect();
    try {
      await admin.query(`create database ${database}`);
    } finally {
      await admin.end();
    }
    const url = `postgresql://postgres:${password}@127.0.0.1:${port}/${database}`;
    const startMs = Math.round(performance.now() - began);
    return {
      url,
      password,
      port,
      startMs,
      async stop() {
        process.removeListener('exit', stopSync);
        stopSync();
      },
    };
  } catch (error) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').slice(-600) : '';
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().slice(-600) ?? '';
    stopSync();
    throw new Error(`${(error as Error).message.split('\n')[0]}${stderr ? `\n${stderr}` : ''}${log ? `\nserver log:\n${log}` : ''}`);
  }
}

/** Runs SQL on the test database (fixtures only). */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
