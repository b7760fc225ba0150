// Fault: a full or read-only state folder. The fix offered was `chmod` whatever the cause, and `doctor`
// left its `.doctor.<pid>.tmp` probe behind on a full disk. What the user must see: the cause and its fix
// (free space, remount, chmod only for a permission error), and nothing left behind.
// A real tmpfs of 64 KiB, filled (or remounted read-only): mounting needs root with CAP_SYS_ADMIN (CI runs
// as root); where the mount is refused the suite is skipped with the reason, as the liveness tests do.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../../../support/helpers/cli.js';
import { makeRepo, makeTempDir, type TestRepo } from '../../../support/helpers/repo.js';

/** Why no tmpfs can be mounted here (not root, or a container without CAP_SYS_ADMIN), or false: probed once. */
function tmpfsRefused(): string | false {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const probe = makeTempDir('dw-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return false;
  } catch (error) {
    return `mounting a tmpfs was refused (${(error as Error).message.split('\n')[0]})`;
  } finally {
    rmdirSync(probe);
  }
}
const skip = tmpfsRefused();
if (skip) console.log(`# diskFull.test: skipped: ${skip}`);

/** A 64 KiB tmpfs with state/runs made, then filled to the last byte. */
function fullDisk(): { mount: string; state: string; unmount(): void } {
  const mount = makeTempDir('dw-full-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]);
  const state = join(mount, 'state');
  mkdirSync(join(state, 'runs'), { recursive: true });
  try {
    writeFileSync(join(mount, 'fill'), Buffer.alloc(1024 * 1024));
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
  }
  return {
    mount,
    state,
    unmount() {
      execFileSync('umount', [mount]);
      rmdirSync(mount);
    },
  };
}

describe('fault: the state folder full or read-only', { skip }, () => {
  let repo: TestRepo;
  let sha: string;
  before(() => {
    repo = makeRepo();
    sha = repo.commit('watched');
    writeFileSync(join(repo.dir, 'deploy-watch.config.json'), JSON.stringify({ digitalocean: { appId: 'app-1' } }));
  });
  after(() => repo.cleanup());
  const dw = (state: string, ...args: string[]) =>
    cli(args, {
      cwd: repo.dir,
      env: {
        ...repo.env,
        DEPLOY_WATCH_STATE_DIR: state,
        DIGITALOCEAN_ACCESS_TOKEN: 'dop_v1_x',
        DEPLOY_WATCH_DO_API_URL: 'http://127.0.0.1:9',
      },
    });

  it('a full disk: the fix is free space, not chmod, and doctor leaves no probe behind', () => {
    const disk = fullDisk();
    try {
      const doctor = dw(disk.state, 'doctor');
      assert.equal(doctor.code, 1, doctor.stdout + doctor.stderr);
      assert.match(doctor.stdout, /state folder: .*ENOSPC/);
      assert.match(doctor.stdout, /free space on the file system holding .*state \(see: df -h/);
      assert.doesNotMatch(doctor.stdout, /chmod/);
      assert.deepEqual(readdirSync(join(disk.state, 'runs')), [], 'no .doctor.<pid>.tmp left');

      const detach = dw(disk.state, 'monitor', sha, '--detach');
      assert.equal(detach.code, 70, detach.stderr);
      assert.match(detach.stderr, /The state folder .*state cannot be used \(ENOSPC: no space left on device/);
      assert.match(detach.stderr, /The disk \(or your quota\) is full: free space on the file system holding/);
      assert.doesNotMatch(detach.stderr, /chmod/);
    } finally {
      disk.unmount();
    }
  });

  it('a read-only file system: the fix is to remount it, not chmod', () => {
    const disk = fullDisk();
    try {
      execFileSync('mount', ['-o', 'remount,ro', disk.mount]);
      const doctor = dw(disk.state, 'doctor');
      assert.match(doctor.stdout, /state folder: .*EROFS/);
      assert.match(doctor.stdout, /is mounted read-only: remount it read-write/);
      assert.doesNotMatch(doctor.stdout, /chmod/);
      const detach = dw(disk.state, 'monitor', sha, '--detach');
      assert.equal(detach.code, 70, detach.stderr);
      assert.match(detach.stderr, /cannot be used \(EROFS.*mounted read-only: remount it read-write/);
    } finally {
      disk.unmount();
    }
  });
});
