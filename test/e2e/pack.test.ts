// `npm pack` gives a package that installs into another project and runs there without TypeScript.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { git, makeTempDir, testEnv } from '../helpers/repo.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('npm pack', () => {
  let dir: string;
  before(() => (dir = makeTempDir('dw-pack-')));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('installs from the tarball and answers check in a fresh repository', { timeout: 180_000 }, () => {
    const env = testEnv(join(dir, 'home'), { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' });
    const packed = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', env });
    const files = (JSON.parse(packed) as Array<{ filename: string; files: Array<{ path: string }> }>)[0]!;
    const paths = files.files.map((f) => f.path);
    assert.ok(paths.includes('bin/deploy-watch.js'));
    assert.ok(paths.some((p) => p.startsWith('build/src/')));
    assert.ok(!paths.some((p) => p.startsWith('build/test/') || p.startsWith('src/') || p.endsWith('.ts') && !p.endsWith('.d.ts')), 'no tests or TypeScript sources in the package');

    const project = join(dir, 'project');
    git(dir, ['init', '-q', '-b', 'main', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, files.filename)], { cwd: project, encoding: 'utf8', env });
    assert.equal(install.status, 0, install.stderr);
    git(project, ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'first']);

    const bin = join(project, 'node_modules', '.bin', 'deploy-watch');
    const version = spawnSync(bin, ['--version'], { cwd: project, encoding: 'utf8', env });
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
    const check = spawnSync(bin, ['check', '--json'], { cwd: project, encoding: 'utf8', env });
    assert.equal(check.status, 3, check.stderr);
    assert.equal(JSON.parse(check.stdout).unknown, 'no-record');
    assert.ok(!readdirSync(join(project, 'node_modules', 'deploy-watch')).includes('src'));
  });
});
