import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { ROOT } from '../helpers/workspace.js';

describe('docs/cli.md', () => {
  it("shows each command with every flag it takes, on the command's own lines", () => {
    const page = readFileSync(path.join(ROOT, 'docs/cli.md'), 'utf8');
    const usage = page.match(/```\n(evalgate run[\s\S]*?)```/)![1]!;
    // A command's block: from its name to the next command's.
    const blocks = usage.split(/^(?=evalgate \w)/m);
    for (const [name, spec] of Object.entries(COMMANDS)) {
      const block = blocks.find((b) => b.startsWith(`evalgate ${name} `));
      expect(block, name).toBeDefined();
      for (const flag of Object.keys(spec.flags))
        expect(block, `${name} --${flag}`).toContain(`--${flag}`);
    }
  });
});
