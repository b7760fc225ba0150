// `npm run demo`: deploy-watch end to end on this machine, nothing real touched. Two pushes: one that
// deploys and one whose build fails, with what a user sees after each. Cleans up even on Ctrl-C.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopWatcher } from '../src/api.js';
import { killUnder } from '../support/helpers/processes.js';
import { BIN, createWorld, FAIL_MARK, type World } from './world.js';

const bold = (s: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[22m` : s);
const say = (s = '') => process.stdout.write(`${s}\n`);

interface Ran {
  code: number | null;
  out: string;
  ms: number;
}

/** Runs a command in the demo repo, echoing it and its output indented; never blocks the servers. */
function run(
  world: World,
  cmd: string,
  args: string[],
  opts: { show?: boolean; onOutput?: (out: string) => void } = {},
): Promise<Ran> {
  const started = Date.now();
  say(
    `  $ ${cmd === process.execPath ? 'deploy-watch' : cmd} ${(cmd === process.execPath ? args.slice(1) : args).join(' ')}`,
  );
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: world.dir, env: world.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const take = (d: Buffer) => {
      out += d.toString();
      if (opts.show !== false) process.stdout.write(d.toString().replace(/^(?=.)/gm, '    '));
      opts.onOutput?.(out);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => resolve({ code, out, ms: Date.now() - started }));
  });
}

const dw = (world: World, ...args: string[]) => run(world, process.execPath, [BIN, ...args]);

async function pushCommit(world: World, file: string, content: string, message: string): Promise<string> {
  writeFileSync(join(world.dir, file), content);
  world.git('add', file);
  world.git('commit', '-q', '-m', message);
  const sha = world.git('rev-parse', 'HEAD');
  const pushed = await run(world, 'git', ['push', 'origin', 'main'], { show: false });
  if (pushed.code !== 0) throw new Error(`git push failed:\n${pushed.out}`);
  say(
    `    → the push returned in ${(pushed.ms / 1000).toFixed(2)} s; the pre-push hook armed a post-push step that hands ${sha.slice(0, 7)} to the repository's watcher once the remote accepted it`,
  );
  return sha;
}

async function main(): Promise<number> {
  say(`${bold('deploy-watch demo')} — everything runs on 127.0.0.1; nothing real is deployed.`);
  const world = await createWorld();
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await stopEverything(world);
    await world.close();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    say(`\n${signal}: cleaning up…`);
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    say(`\n${bold('1. The setup')}`);
    say(`  repository ${world.dir}, bare remote ${world.remote}`);
    say(`  deploy-watch installed with \`deploy-watch init\` (husky pre-push hook, config, merge drivers)`);
    say(`  App Platform API stand-in ${world.api.url}, health endpoint ${world.healthUrl}`);

    say(`\n${bold('2. A push that deploys')}`);
    const good = await pushCommit(
      world,
      'cart.ts',
      'export const total = (items: number[]) => items.reduce((a, b) => a + b, 0);\n',
      'Add the cart total',
    );
    await waitForRecord(world, good);
    const early = await dw(world, 'check');
    say(
      `    → exit ${early.code}: ${early.code === 2 ? 'still in progress, the watcher is on it' : 'already decided'}`,
    );
    // The build goes on to deploy once watch has shown it, however slowly watch starts.
    const watched = await run(world, process.execPath, [BIN, 'watch', '--interval', '0.3'], {
      onOutput: (out) => /building · BUILDING/.test(out) && world.finishBuilds(),
    });
    say(`    → exit ${watched.code}`);

    say(`\n${bold('3. A push whose build fails')}`);
    await pushCommit(world, 'cart.ts', 'export const total: number = "oops";\n', `Change the cart total ${FAIL_MARK}`);
    const failed = await dw(world, 'check', '--wait', '60');
    say(`    → exit ${failed.code}: the build log's last lines are right there, no dashboard needed`);

    say(`\n${bold('4. What an agent reads')}`);
    await dw(world, 'check', '--all');
    const api = world.api.apiRequests().length;
    say(`\n  The watcher made ${api} API requests in all.`);
    const ok = early.code !== null && [0, 2].includes(early.code) && watched.code === 0 && failed.code === 1;
    say(
      ok
        ? bold('\nDemo finished: one deployment succeeded, one failed with its build log.')
        : bold('\nDemo finished with unexpected exit codes.'),
    );
    return ok ? 0 : 1;
  } finally {
    await cleanup();
    say('Cleaned up: watcher stopped, servers closed, temporary folder removed.');
  }
}

async function waitForRecord(world: World, sha: string): Promise<void> {
  const { checkDeployment } = await import('../src/api.js');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if ((await checkDeployment(sha, { cwd: world.dir, env: world.env })).record) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops the demo repo's watcher (every commit it follows recorded stopped), then anything else inside its folder. */
async function stopEverything(world: World): Promise<void> {
  const opts = { cwd: world.dir, env: world.env };
  try {
    await stopWatcher({ ...opts, graceMs: 2000 });
  } catch {
    /* the repo may be half made */
  }
  killUnder(world.root);
}

process.exitCode = await main().catch((error: Error) => {
  process.stderr.write(`demo failed: ${error.message}\n`);
  return 1;
});
