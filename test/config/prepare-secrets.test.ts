// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax under test.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closePlan, type EngineHooks, prepare } from '../../src/engine.js';
import { InputError } from '../../src/errors.js';

function files(config: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-prep-'));
  writeFileSync(path.join(dir, 'evalgate.yml'), config);
  writeFileSync(path.join(dir, 'golden.jsonl'), '{"id":"a","input":"q","expected":"a"}\n');
  return path.join(dir, 'evalgate.yml');
}

function recorder() {
  const seen = { secrets: [] as string[], messages: [] as string[] };
  const hooks: EngineHooks = {
    info: (m) => seen.messages.push(m),
    warning: (m) => seen.messages.push(m),
    secret: (s) => seen.secrets.push(s),
  };
  return { seen, hooks };
}

const CONFIG = `version: 1
dataset: golden.jsonl
targets:
  baseline:
    type: openai
    base_url: http://127.0.0.1:9/v1
    model: \${MODEL}
    api_key_env: TEST_KEY
  candidate:
    type: http
    url: "http://127.0.0.1:9/fn?code=\${FUNC_KEY}"
    output: answer
scorers:
  - type: exact
`;

describe('prepare: secrets', () => {
  it('hands keys and credential-like ${VAR} values to hooks.secret, not the model name', async () => {
    const { seen, hooks } = recorder();
    const env = { TEST_KEY: 'sk-test-key-1', FUNC_KEY: 'fk-func-key-1', MODEL: 'gpt-4o-mini' };
    const plan = await prepare({ configPath: files(CONFIG), env }, hooks);
    closePlan(plan);
    expect(seen.secrets.sort()).toEqual(['fk-func-key-1', 'sk-test-key-1']);
    expect(plan.redact('a sk-test-key-1 b fk-func-key-1 gpt-4o-mini')).toBe(
      'a *** b *** gpt-4o-mini',
    );
    expect(plan.targets.candidate?.redact).toBe(plan.redact);
  });

  it("masks secrets in bad input's message and problems, the front door's too", async () => {
    const { hooks } = recorder();
    // An unknown key is quoted back in the message: here it is the secret itself.
    const config = `${CONFIG}ghp_frontdoortoken1: 1\nfk-func-key-1: 2\n`;
    const env = { TEST_KEY: 'sk-test-key-1', FUNC_KEY: 'fk-func-key-1', MODEL: 'm' };
    const err = await prepare(
      { configPath: files(config), env, secrets: ['ghp_frontdoortoken1'] },
      hooks,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const { message, problems } = err as InputError;
    expect(message).toContain('unknown key "***"');
    expect(message).not.toMatch(/ghp_frontdoortoken1|fk-func-key-1/);
    expect(JSON.stringify(problems)).not.toMatch(/ghp_frontdoortoken1|fk-func-key-1/);
  });
});
