// One table owns every exit code; what agents read is generated from it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_SECTION } from '../../src/commands/init/agentGuide.js';
import { EXIT, EXIT_CODES, PUSH_EXIT } from '../../src/kernel/exitCodes.js';

describe('exit codes', () => {
  it('gives every name its own number', () => {
    const numbers = Object.values(EXIT_CODES);
    assert.equal(new Set(numbers).size, numbers.length, JSON.stringify(EXIT_CODES));
  });

  it('the agent guide lists every exit of push and of check', () => {
    const guide = AGENT_SECTION.join('\n');
    const pushLine = /Exit ([\s\S]*?)\.\n2\./.exec(guide)?.[1] ?? '';
    const listed = [...pushLine.matchAll(/(?:^|; |\n\s+)(\d+) /g)].map((m) => Number(m[1]));
    assert.deepEqual(
      listed.sort((a, b) => a - b),
      Object.values(PUSH_EXIT)
        .filter((c) => c !== PUSH_EXIT.usage)
        .sort((a, b) => a - b),
    );
    for (const code of [EXIT.success, EXIT.failed, EXIT.inProgress, EXIT.notFound])
      assert.match(guide, new RegExp(`^   - ${code}: `, 'm'));
  });
});
