import { describe, expect, it } from 'vitest';
import { baseUrlMistake, KNOWN_OPENAI_ROOTS, notFoundHint } from '../../src/config/base-url.js';

describe('baseUrlMistake', () => {
  it('accepts the roots users should write', () => {
    for (const [host, root] of Object.entries(KNOWN_OPENAI_ROOTS)) {
      expect(baseUrlMistake(`https://${host}${root}`, 'openai')).toBeUndefined();
      expect(baseUrlMistake(`https://${host}${root}/`, 'openai')).toBeUndefined();
    }
    for (const ok of [
      'http://localhost:11434/v1',
      'http://127.0.0.1:8000',
      'https://gateway.example.com/openai/deployments/x?api-version=1',
    ]) {
      expect(baseUrlMistake(ok, 'openai')).toBeUndefined();
    }
    expect(baseUrlMistake('https://api.anthropic.com', 'anthropic')).toBeUndefined();
    expect(baseUrlMistake('https://api.openai.com/v1', 'embeddings')).toBeUndefined();
  });

  it('catches the endpoint path pasted into base_url', () => {
    expect(baseUrlMistake('https://api.openai.com/v1/chat/completions', 'openai')).toMatch(
      /ends in \/chat\/completions, which evalgate appends itself.*remove \/chat\/completions$/,
    );
    expect(baseUrlMistake('http://localhost:8000/v1/chat/completions/', 'openai')).toMatch(
      /ends in \/chat\/completions/,
    );
    expect(baseUrlMistake('https://api.openai.com/v1/responses', 'openai')).toMatch(
      /ends in \/responses, an endpoint, not a root/,
    );
    expect(baseUrlMistake('https://api.anthropic.com/v1/messages', 'anthropic')).toMatch(
      /ends in \/v1\/messages.*host root/,
    );
    expect(baseUrlMistake('https://api.openai.com/v1/embeddings', 'embeddings')).toMatch(
      /ends in \/embeddings/,
    );
  });

  it('catches /v1 twice, and /v1 on an anthropic base_url (evalgate adds it)', () => {
    expect(baseUrlMistake('http://localhost:8000/v1/v1', 'openai')).toMatch(/\/v1 twice/);
    expect(baseUrlMistake('http://localhost:8000/v1/v1/x', 'openai')).toMatch(/\/v1 twice/);
    expect(baseUrlMistake('https://api.anthropic.com/v1', 'anthropic')).toMatch(/remove the \/v1/);
  });

  it('catches a missing or wrong root on a host whose layout is known', () => {
    expect(baseUrlMistake('https://api.openai.com', 'openai')).toBe(
      'is missing /v1: the OpenAI-compatible API of api.openai.com is at https://api.openai.com/v1',
    );
    expect(baseUrlMistake('https://openrouter.ai/v1', 'openai')).toMatch(
      /should have the path \/api\/v1 and nothing else: .* https:\/\/openrouter.ai\/api\/v1$/,
    );
    expect(baseUrlMistake('https://api.groq.com/v1', 'openai')).toMatch(
      /api\.groq\.com\/openai\/v1/,
    );
  });

  it('never quotes the URL itself (it may carry a token from an environment variable)', () => {
    const url = 'https://gateway.example.com/tok-s3cr3t/v1/chat/completions';
    expect(baseUrlMistake(url, 'openai')).not.toContain('s3cr3t');
    expect(baseUrlMistake('https://api.openai.com/tok-s3cr3t', 'openai')).not.toContain('s3cr3t');
  });
});

describe('notFoundHint', () => {
  it('suggests /v1 when the called path has no version segment', () => {
    expect(notFoundHint(new URL('http://127.0.0.1:1/chat/completions'))).toMatch(
      /^add \/v1 to base_url\?/,
    );
    expect(notFoundHint(new URL('http://127.0.0.1:1/api/embeddings'))).toMatch(/^add \/v1/);
  });
  it('otherwise points at base_url and the model name, per dialect', () => {
    expect(notFoundHint(new URL('http://h/v1/chat/completions'))).toMatch(
      /^check base_url .*model name/,
    );
    expect(
      notFoundHint(
        new URL('https://generativelanguage.googleapis.com/v1beta/openai/chat/completions'),
      ),
    ).toMatch(/^check base_url/);
    expect(notFoundHint(new URL('http://h/v1/messages'))).toMatch(/host root/);
    expect(notFoundHint(new URL('http://h/app/ask'))).toMatch(/^check url/);
  });
});
