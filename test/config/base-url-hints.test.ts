// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the config syntax under test.
import { describe, expect, it } from 'vitest';
import { isPublicApiRoot, KNOWN_OPENAI_ROOTS, notFoundHint } from '../../src/config/base-url.js';
import { maskEnvValues } from '../../src/config/secret-values.js';
import { edit, problemsOf } from './helpers.js';

describe('notFoundHint: the sentence docs/troubleshooting.md shows', () => {
  it('says what to check when /v1 is not the answer', () => {
    expect(notFoundHint(new URL('http://127.0.0.1:1/chat/completions'))).toBe(
      'add /v1 to base_url? most OpenAI-compatible servers answer at {base_url}/v1/chat/completions (e.g. base_url: http://localhost:11434/v1); else check base_url and the model name (some servers answer 404 for a model they do not serve)',
    );
  });
});

/** MINIMAL with the candidate's base_url read from OPENAI_BASE_URL. */
const FROM_ENV = edit(
  '    base_url: https://api.openai.com/v1\n    model: gpt-4o\n',
  '    base_url: ${OPENAI_BASE_URL}\n    model: gpt-4o\n',
);

/** Every message `parseConfig` gives for FROM_ENV, joined. */
const messagesFor = (url: string, text = FROM_ENV) =>
  problemsOf(text, { OPENAI_BASE_URL: url })
    .map((p) => p.message)
    .join('\n');

describe('a base_url from ${VAR} on a known host', () => {
  it('shows the public root it suggests, not a mask over it', () => {
    expect(problemsOf(FROM_ENV, { OPENAI_BASE_URL: 'https://api.openai.com' })).toEqual([
      expect.objectContaining({
        path: 'targets.candidate.base_url',
        message:
          'is missing /v1: the OpenAI-compatible API of api.openai.com is at https://api.openai.com/v1',
      }),
    ]);
    expect(messagesFor('https://openrouter.ai/')).toContain('is at https://openrouter.ai/api/v1');
  });

  it('still masks a key in the query or the userinfo wherever a message quotes the value', () => {
    // max_drop quotes what it got: the same variable there shows what masking does.
    const quoted = edit(
      '    model: gpt-4o\n',
      '    model: gpt-4o\nbudgets:\n  quality:\n    max_drop: ${OPENAI_BASE_URL}\n',
      FROM_ENV,
    );
    for (const url of [
      'https://api.openai.com?key=s3cr3t-query-key',
      'https://api.openai.com/?api-key=s3cr3t-query-key',
      'https://user:s3cr3t-pass@api.openai.com',
      'https://s3cr3t-token@api.openai.com/v1',
    ]) {
      const messages = messagesFor(url, quoted);
      expect(messages).toContain('got "***"');
      expect(messages).not.toContain('s3cr3t');
    }
  });

  it('counts as public only a known host or root, character for character', () => {
    for (const [host, root] of Object.entries(KNOWN_OPENAI_ROOTS)) {
      expect(isPublicApiRoot(`https://${host}`)).toBe(true);
      expect(isPublicApiRoot(`https://${host}${root}`)).toBe(true);
    }
    for (const value of [
      'https://api.openai.com?key=s3cr3t',
      'https://u:s3cr3t@api.openai.com',
      'https://api.openai.com/s3cr3t',
      'https://api.openai.com/v1#s3cr3t',
      'https://api.openai.com:443',
      'https://gateway.example.com/v1',
      'api.openai.com.evil.example',
    ])
      expect(isPublicApiRoot(value), value).toBe(false);
  });

  it('maskEnvValues leaves a public root alone and masks every other value', () => {
    const at = ['targets', 'candidate', 'base_url'];
    const [problem] = maskEnvValues(
      [
        {
          path: 'targets.candidate.base_url',
          message: 'https://api.openai.com/v1 then k-s3cr3t-1 then https://u:p4ss@h',
        },
      ],
      [
        { at, value: 'https://api.openai.com' },
        { at: ['targets', 'candidate', 'headers', 'x-key'], value: 'k-s3cr3t-1' },
        { at, value: 'https://u:p4ss@h' },
      ],
    );
    expect(problem!.message).toBe('https://api.openai.com/v1 then *** then ***');
  });
});
