import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { DEFAULT_MAX_STEPS, MAX_AGENT_STEPS } from '../../src/config/tools-schema.js';
import { MAX_INVALID_ARGUMENTS_CHARS, MAX_TOOL_CALLS } from '../../src/targets/tool-calls.js';
import { ROOT } from '../helpers/workspace.js';

// docs/tools-and-agents.md: its config loads as written, and the numbers it states are the code's.

const page = readFileSync(path.join(ROOT, 'docs/tools-and-agents.md'), 'utf8');
const prose = page.replace(/\s+/g, ' ');

describe('docs/tools-and-agents.md', () => {
  it('shows a config that loads', () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(page)![1]!;
    const { config } = parseConfig(yaml, 'tools-and-agents.md', {});
    expect(config.targets.candidate.type).toBe('anthropic');
  });

  it('states the limits the code enforces', () => {
    expect(prose).toContain(`the default is ${DEFAULT_MAX_STEPS}`);
    expect(prose).toContain(`at most ${MAX_TOOL_CALLS} tool calls`);
    expect(prose).toContain(
      `cut to ${MAX_INVALID_ARGUMENTS_CHARS.toLocaleString('en-US')} characters`,
    );
    const config = readFileSync(path.join(ROOT, 'docs/config.md'), 'utf8').replace(/\s+/g, ' ');
    expect(config).toContain(`\`max_steps\` (1–${MAX_AGENT_STEPS}, default ${DEFAULT_MAX_STEPS})`);
  });
});
