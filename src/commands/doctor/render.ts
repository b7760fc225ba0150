import type { Deps } from '../../deps.js';
import { paint } from '../../kernel/format.js';
import type { CheckResult } from './checks.js';

export function renderDoctor(results: CheckResult[], deps: Deps): void {
  if (deps.globals.json) {
    deps.stdout.write(`${JSON.stringify(results)}\n`);
    return;
  }
  const p = paint(deps.colour);
  const mark = { pass: p.green('✓'), warn: p.yellow('!'), fail: p.red('✗'), skip: p.dim('-') };
  const lines: string[] = [];
  for (const r of results) {
    if (deps.globals.quiet && r.verdict !== 'fail') continue;
    lines.push(`${mark[r.verdict]} ${r.name}: ${r.detail}`);
    if (r.fix) lines.push(`    fix: ${r.fix}`);
  }
  const failed = results.filter((r) => r.verdict === 'fail').length;
  lines.push(failed ? p.red(`${failed} check${failed === 1 ? '' : 's'} failed.`) : p.green('All checks passed.'));
  deps.stdout.write(`${lines.join('\n')}\n`);
}
