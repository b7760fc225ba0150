// A private PostgreSQL cluster for the tests: Debian's binaries, a temp folder, a free port on
// 127.0.0.1, password auth over TCP (so wrong-password tests mean something), one database per run.
// Outside CI a missing PostgreSQL is a skip that says how to install it; in CI it is a failure.
import { execFileSync, spawn } from 'node:child_process';
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
  /** Stops the server (fast shutdown: clients are cut off) and keeps its data, for outage tests. */
  pause(): void;
  /** Starts it again on the same port with the same data. */
  resume(): void;
}

const INSTALL_HINT =
  'apt-get install postgresql (Debian/Ubuntu; as root the tests run it as the postgres user), then run the tests again';

/** $1 = the test process, $2 = the cluster's folder, $3 = the pg_ctl command. */
const WATCHDOG =
  'while kill -0 "$1" 2>/dev/null; do sleep 0.5; done; [ -f "$2/data/postmaster.pid" ] && $3 -D "$2/data" -m fast -w stop >/dev/null 2>&1; rm -rf "$2"';

function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root).filter(
    (name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')),
  );
  majors.sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], 'bin') : null;
}

export async function freePort(): Promise<number> {
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
    const reason = `PostgreSQL tests need a local server, which did not start: ${(error as Error).message}\nTo run them: ${INSTALL_HINT}.`;
    if (process.env.CI === 'true') throw new Error(`${reason} (CI=true, so this is a failure, not a skip)`);
    return { skip: reason };
  }
}

async function start(): Promise<TestPostgres> {
  const began = performance.now();
  const bin = binDir();
  if (!bin) throw new Error('no initdb under /usr/lib/postgresql/*/bin');
  const asRoot = process.getuid?.() === 0;
  const dir = makeTempDir('dw-pg-');
  // PostgreSQL refuses to run as root: as root, run its tools as the package's `postgres` user.
  const run = (tool: string, args: string[]) => {
    const [cmd, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
      : [join(bin, tool), args];
    return execFileSync(cmd, argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
      timeout: 60_000,
    });
  };
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  // A watchdog outlives this process by at most half a second: even a SIGKILL'd test run (or a killed
  // `node --test`, which takes its children down without an 'exit' event) leaves no postmaster behind.
  const pgCtl = asRoot ? `runuser -u postgres -- ${join(bin, 'pg_ctl')}` : join(bin, 'pg_ctl');
  const watchdog = spawn('sh', ['-c', WATCHDOG, 'dw-pg-watchdog', String(process.pid), dir, pgCtl], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  const stopSync = () => {
    process.removeListener('exit', stopSync);
    // The pid file, not a flag: a start that failed half-way may still have left a postmaster.
    if (existsSync(join(data, 'postmaster.pid'))) {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
    if (watchdog.pid && watchdog.exitCode === null) watchdog.kill();
  };
  process.once('exit', stopSync);
  try {
    const [uid, gid] = asRoot
      ? ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim()))
      : [0, 0];
    if (asRoot) {
      chownSync(dir, uid!, gid!);
      chownSync(pwfile, uid!, gid!);
    }
    run('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      `--pwfile=${pwfile}`,
      '-N',
      '-E',
      'UTF8',
    ]);
    // A self-signed certificate (openssl comes with Debian's postgresql), so SSL modes can be tested.
    const [crt, key] = [join(dir, 'server.crt'), join(dir, 'server.key')];
    const certArgs = ['-subj', '/CN=127.0.0.1', '-days', '2', '-nodes', '-keyout', key, '-out', crt];
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', ...certArgs],
      { stdio: 'pipe' },
    );
    if (asRoot) for (const file of [crt, key]) chownSync(file, uid!, gid!);
    let port = 0;
    let startOpts = '';
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        startOpts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50 -c ssl=on -c ssl_cert_file=${crt} -c ssl_key_file=${key}`;
        run('pg_ctl', ['-D', data, '-o', startOpts, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
        break;
      } catch (error) {
        if (attempt >= 3) throw error; // another process may have taken the port in between
      }
    }
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
      pause() {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      },
      resume() {
        run('pg_ctl', ['-D', data, '-o', startOpts, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
      },
      async stop() {
        stopSync();
      },
    };
  } catch (error) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').slice(-600) : '';
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().slice(-600) ?? '';
    stopSync();
    throw new Error(
      `${(error as Error).message.split('\n')[0]}${stderr ? `\n${stderr}` : ''}${log ? `\nserver log:\n${log}` : ''}`,
    );
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
