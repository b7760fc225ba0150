// A private PgBouncer in transaction mode in front of the test cluster (support/helpers/postgres.ts):
// Debian's binary, a temp folder, a free port on 127.0.0.1, SCRAM auth with the cluster's password.
// Team mode's store runs behind a bouncer like this in production, so its tests do too.
// Outside CI a missing pgbouncer is a skip that says how to install it; in CI it is a failure.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, type TestPostgres } from './postgres.js';
import { makeTempDir } from './repo.js';

export interface TestPgBouncer {
  /** postgresql://postgres:PASSWORD@127.0.0.1:BOUNCER_PORT/<the cluster's test database>. */
  url: string;
  /** The admin console (`SHOW POOLS`, `SHOW CONFIG`): the same user, database `pgbouncer`. */
  adminUrl: string;
  port: number;
  /** pgbouncer's own log (what it dropped and why). */
  logFile: string;
  /** The bouncer's process and folder, for tests of its clean-up. */
  pid: number;
  dir: string;
  /** Server connections per database/user pair; a test can count on no more than this many backends. */
  poolSize: number;
  startMs: number;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /** default_pool_size: 1 makes every client share one backend, which shows transaction pooling plainly. */
  poolSize?: number;
}

const BINARY = '/usr/sbin/pgbouncer';
const INSTALL_HINT =
  'apt-get install pgbouncer (Debian/Ubuntu; the tests start their own, never the system service), then run the tests again';

/** $1 = the test process, $2 = pgbouncer's pid, $3 = its folder. */
const WATCHDOG =
  'while kill -0 "$1" 2>/dev/null; do sleep 0.5; done; kill -TERM "$2" 2>/dev/null; sleep 0.5; kill -KILL "$2" 2>/dev/null; rm -rf "$3"';

/** Starts a bouncer in front of `pg`; `{ skip }` when it cannot (never in CI, where it throws instead). */
export async function startPgBouncer(
  pg: TestPostgres,
  options: PgBouncerOptions = {},
): Promise<TestPgBouncer | { skip: string }> {
  try {
    return await start(pg, options.poolSize ?? 2);
  } catch (error) {
    const reason = `PgBouncer tests need pgbouncer, which did not start: ${(error as Error).message}\nTo run them: ${INSTALL_HINT}.`;
    if (process.env.CI === 'true') throw new Error(`${reason} (CI=true, so this is a failure, not a skip)`);
    return { skip: reason };
  }
}

function iniFile(dir: string, pg: TestPostgres, port: number, poolSize: number): string {
  return [
    '[databases]',
    // Any database name the client asks for, on the test cluster: the URL keeps the cluster's database.
    `* = host=127.0.0.1 port=${pg.port}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    `unix_socket_dir = ${dir}`,
    'pool_mode = transaction',
    'auth_type = scram-sha-256',
    `auth_file = ${join(dir, 'userlist.txt')}`,
    'admin_users = postgres',
    `default_pool_size = ${poolSize}`,
    'max_client_conn = 200',
    // node-postgres sends none of these, other drivers do; the bouncer refuses unknown ones otherwise.
    'ignore_startup_parameters = extra_float_digits,options',
    `logfile = ${join(dir, 'log')}`,
    `pidfile = ${join(dir, 'pgbouncer.pid')}`,
    '',
  ].join('\n');
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves once the port accepts; rejects when the process exits first or 10 s pass. */
async function listening(child: ChildProcess, port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`pgbouncer exited (${child.exitCode ?? child.signalCode}) before it listened`);
    }
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`pgbouncer did not listen on 127.0.0.1:${port} within 10 s`);
}

async function start(pg: TestPostgres, poolSize: number): Promise<TestPgBouncer> {
  const began = performance.now();
  if (!existsSync(BINARY)) throw new Error(`no ${BINARY}`);
  const asRoot = process.getuid?.() === 0;
  const dir = makeTempDir('dw-pgb-');
  // The bouncer holds the cluster's plain password: it needs it to answer the cluster's SCRAM itself.
  writeFileSync(join(dir, 'userlist.txt'), `"postgres" "${pg.password}"\n`, { mode: 0o600 });
  if (asRoot) {
    const [uid, gid] = ['-u', '-g'].map((flag) =>
      Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim()),
    );
    chownSync(dir, uid!, gid!);
    chownSync(join(dir, 'userlist.txt'), uid!, gid!);
  }
  let child: ChildProcess | undefined;
  let watchdog: ChildProcess | undefined;
  const stopSync = () => {
    process.removeListener('exit', stopSync);
    if (child?.pid && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    if (watchdog?.pid && watchdog.exitCode === null) watchdog.kill();
  };
  process.once('exit', stopSync);
  try {
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      writeFileSync(join(dir, 'pgbouncer.ini'), iniFile(dir, pg, port, poolSize));
      // pgbouncer refuses to run as root; -u drops to the package's postgres user after reading its files.
      const args = [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')];
      child = spawn(BINARY, args, { stdio: 'ignore' });
      child.unref(); // the 'exit' handler and the watchdog end it; it must not keep the test process alive
      try {
        await listening(child, port);
        break;
      } catch (error) {
        child.kill('SIGKILL');
        if (attempt >= 3) throw error; // another process may have taken the port in between
      }
    }
    // A watchdog outlives this process by at most a second: even a SIGKILL'd test run leaves no
    // bouncer behind (a foreground child is not taken down with its parent).
    watchdog = spawn('sh', ['-c', WATCHDOG, 'dw-pgb-watchdog', String(process.pid), String(child!.pid), dir], {
      detached: true,
      stdio: 'ignore',
    });
    watchdog.unref();
    const database = new URL(pg.url).pathname;
    const base = `postgresql://postgres:${encodeURIComponent(pg.password)}@127.0.0.1:${port}`;
    return {
      url: `${base}${database}`,
      adminUrl: `${base}/pgbouncer`,
      port,
      logFile: join(dir, 'log'),
      pid: child!.pid!,
      dir,
      poolSize,
      startMs: Math.round(performance.now() - began),
      async stop() {
        child!.ref(); // an unref'd child's 'exit' alone would not keep the loop alive to see it
        const exited = child!.exitCode === null ? new Promise((r) => child!.once('exit', r)) : null;
        child!.kill('SIGTERM'); // pgbouncer 1.18: immediate shutdown (SIGINT would wait for every client)
        await exited;
        stopSync();
      },
    };
  } catch (error) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').slice(-600) : '';
    stopSync();
    throw new Error(`${(error as Error).message}${log ? `\npgbouncer log:\n${log}` : ''}`);
  }
}
