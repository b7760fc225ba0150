// `check` latency as a ratio to a bare `node -e 0`, measured in the same run. Goal: ≤ 1.3 (was 1.5 before check got its own entry point).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newRecord } from '../src/store/statusRecord.js';
import { FileStatusStore } from '../src/store/files/fileStatusStore.js';
import { makeRepo } from '../support/helpers/repo.js';
import { compare, fmt, timeCommand } from './timing.js';

const BIN = fileURLToPath(new URL('../../bin/deploy-watch.js', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);

const repo = makeRepo({ withRemote: false });
try {
  const sha = repo.git('rev-parse', 'HEAD');
  const store = new FileStatusStore(join(repo.dir, '.git', 'deploy-watch'));
  await store.write(newRecord({ sha, state: 'success', branch: 'main' }, new Date().toISOString()));
  const opts = { cwd: repo.dir, env: repo.env };
  const m = compare(
    {
      'node -e 0': () => timeCommand(process.execPath, ['-e', '0'], opts),
      'deploy-watch check': () => timeCommand(process.execPath, [BIN, 'check'], opts),
      'deploy-watch check --json <sha>': () => timeCommand(process.execPath, [BIN, 'check', '--json', sha], opts),
    },
    ROUNDS,
  );
  const base = m['node -e 0']!;
  console.log(`check latency (median of ${ROUNDS}, interleaved)`);
  for (const [name, ms] of Object.entries(m))
    console.log(`  ${name.padEnd(34)} ${fmt(ms).padStart(9)}  ratio ${(ms / base).toFixed(2)}`);
  const ratio = m['deploy-watch check']! / base;
  console.log(`  check / node -e 0 = ${ratio.toFixed(2)} (goal ≤ 1.30: ${ratio <= 1.3 ? 'met' : 'NOT met'})`);
} finally {
  rmSync(repo.root, { recursive: true, force: true });
}
