// What `deploy-watch init` would write: one entry per file, with its bytes before and after.
// Pure reads; index.ts prints or writes the plan.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../../kernel/errors.js';
import { gitattributesLines } from '../../push/merge/mergeDrivers.js';
import type { MergeRule } from '../../push/merge/rules.js';
import { BLOCK_BEGIN, BLOCK_END, POST_CHECKOUT_BLOCK, PRE_PUSH_BLOCK, upsertBlock } from '../../hooks/huskyHook.js';
import { configTemplateText } from './configTemplate.js';
import { addDeployWatch, addHusky } from './packageJson.js';

export interface FileChange {
  /** Relative to the work tree's top. */
  path: string;
  before: string | null;
  after: string;
  /** Why it changes, for the report. */
  what: string;
}

export type Action = 'create' | 'update' | 'unchanged';

export const actionOf = (c: FileChange): Action =>
  c.before === null ? 'create' : c.before === c.after ? 'unchanged' : 'update';

export function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
}

/** `selfSpec`: where this deploy-watch was installed from (installedSpec), added to devDependencies when missing. */
export function planInit(top: string, rules: readonly MergeRule[], selfSpec: string | null = null): FileChange[] {
  const changes: FileChange[] = [];
  const pkgBefore = readText(join(top, 'package.json'));
  const pkg = addDeployWatch(addHusky(pkgBefore), selfSpec);
  changes.push({
    path: 'package.json',
    before: pkgBefore,
    after: pkg.text,
    what: pkg.added.join(', ') || 'husky already set up',
  });

  const hookBefore = readText(join(top, '.husky', 'pre-push'));
  const hookAfter = upsertBlock(hookBefore, PRE_PUSH_BLOCK);
  const kept = hookBefore !== null && hookBefore.trim() !== '' && !hookBefore.includes(PRE_PUSH_BLOCK[0]!);
  changes.push({
    path: '.husky/pre-push',
    before: hookBefore,
    after: hookAfter,
    what: kept ? 'deploy-watch block added; your lines kept' : 'calls deploy-watch hook pre-push',
  });

  const checkoutBefore = readText(join(top, '.husky', 'post-checkout'));
  changes.push({
    path: '.husky/post-checkout',
    before: checkoutBefore,
    after: upsertBlock(checkoutBefore, POST_CHECKOUT_BLOCK),
    what: "new git worktrees get husky's runner, so their pushes are watched",
  });

  const configBefore = readText(join(top, 'deploy-watch.config.json'));
  changes.push({
    path: 'deploy-watch.config.json',
    before: configBefore,
    after: configBefore ?? configTemplateText(),
    what: configBefore === null ? 'template with the defaults; add a source' : 'kept as it is',
  });

  // The conflict rules as git merge drivers, so a plain `git pull --rebase` resolves those files too.
  const attrsBefore = readText(join(top, '.gitattributes'));
  const attrsBlock = [
    `${BLOCK_BEGIN} (written by deploy-watch init from conflicts.rules)`,
    ...gitattributesLines(rules),
    BLOCK_END,
  ];
  changes.push({
    path: '.gitattributes',
    before: attrsBefore,
    after: upsertBlock(attrsBefore, attrsBlock),
    what: 'merge drivers for conflicts.rules',
  });
  return changes;
}
